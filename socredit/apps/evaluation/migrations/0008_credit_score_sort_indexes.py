from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes the staff organization list walks when sorted by score or by level."""

    dependencies = [
        ("evaluation", "0007_run_interrupted"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="creditscore",
            index=models.Index(fields=["score"], name="credit_score_idx"),
        ),
        migrations.AddIndex(
            model_name="creditscore",
            index=models.Index(fields=["level", "-score"], name="credit_level_score_desc_idx"),
        ),
    ]
