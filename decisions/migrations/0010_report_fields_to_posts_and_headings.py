"""The report's typed "report of", author and fixed implication fields give
way to posts and the council's headings (their data moved by 0007)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0009_report_template_and_posts"),
    ]

    operations = [
        migrations.RemoveField(model_name="report", name="report_of"),
        migrations.RemoveField(model_name="report", name="author"),
        migrations.RemoveField(model_name="report", name="author_contact"),
        migrations.RemoveField(model_name="report", name="financial_implications"),
        migrations.RemoveField(model_name="report", name="legal_implications"),
        migrations.RemoveField(model_name="report", name="risk_implications"),
        migrations.RemoveField(
            model_name="report", name="crime_and_disorder_implications"
        ),
        migrations.RemoveField(
            model_name="report", name="health_and_wellbeing_implications"
        ),
        migrations.RemoveField(model_name="report", name="sustainability_implications"),
        migrations.RemoveField(model_name="report", name="equality_implications"),
        migrations.RenameField(
            model_name="report", old_name="report_of_post", new_name="report_of"
        ),
        migrations.RemoveField(model_name="historicalreport", name="report_of"),
        migrations.RemoveField(model_name="historicalreport", name="author"),
        migrations.RemoveField(model_name="historicalreport", name="author_contact"),
        migrations.RemoveField(
            model_name="historicalreport", name="financial_implications"
        ),
        migrations.RemoveField(
            model_name="historicalreport", name="legal_implications"
        ),
        migrations.RemoveField(model_name="historicalreport", name="risk_implications"),
        migrations.RemoveField(
            model_name="historicalreport", name="crime_and_disorder_implications"
        ),
        migrations.RemoveField(
            model_name="historicalreport", name="health_and_wellbeing_implications"
        ),
        migrations.RemoveField(
            model_name="historicalreport", name="sustainability_implications"
        ),
        migrations.RemoveField(
            model_name="historicalreport", name="equality_implications"
        ),
        migrations.RenameField(
            model_name="historicalreport",
            old_name="report_of_post",
            new_name="report_of",
        ),
    ]
