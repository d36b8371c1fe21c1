"""The strategy names posts, not people's roles (data moved by 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0004_cabinet_member_and_director_are_posts"),
    ]

    operations = [
        migrations.RemoveField(model_name="strategy", name="cabinet_member"),
        migrations.RemoveField(model_name="strategy", name="director"),
        migrations.RemoveField(model_name="historicalstrategy", name="cabinet_member"),
        migrations.RemoveField(model_name="historicalstrategy", name="director"),
        migrations.RenameField(
            model_name="strategy",
            old_name="cabinet_member_post",
            new_name="cabinet_member",
        ),
        migrations.RenameField(
            model_name="strategy", old_name="director_post", new_name="director"
        ),
        migrations.RenameField(
            model_name="historicalstrategy",
            old_name="cabinet_member_post",
            new_name="cabinet_member",
        ),
        migrations.RenameField(
            model_name="historicalstrategy",
            old_name="director_post",
            new_name="director",
        ),
    ]
