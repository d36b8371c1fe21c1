from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0005, whose data migration must be committed first."""

    dependencies = [("workplan", "0006_variations_agreed")]

    operations = [
        migrations.AddConstraint(
            model_name="variation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("agreed_on__isnull", False), ("kind", "added"), _connector="OR"
                ),
                name="variation_agreed_on_unless_awaiting",
            ),
        ),
    ]
