import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0013_merge_name_sort_registration_changes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CreditReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=32, unique=True, verbose_name="report number")),
                ("as_of", models.DateField(verbose_name="as of")),
                ("generated_at", models.DateTimeField(verbose_name="generated at")),
                ("content", models.TextField(help_text="canonical JSON of the public profile reported", verbose_name="content")),
                ("content_digest", models.CharField(max_length=64, verbose_name="content digest")),
                ("signature", models.CharField(max_length=64, verbose_name="signature")),
                ("pdf_sha256", models.CharField(db_index=True, max_length=64, verbose_name="PDF SHA-256")),
                ("verification_code", models.CharField(max_length=12, unique=True, verbose_name="verification code")),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credit_reports",
                        to="registry.organization",
                        verbose_name="organization",
                    ),
                ),
            ],
            options={
                "verbose_name": "credit report",
                "verbose_name_plural": "credit reports",
                "ordering": ["-generated_at"],
            },
        ),
    ]
