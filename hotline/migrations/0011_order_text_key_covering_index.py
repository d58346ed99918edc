"""The related-order postings read from their index alone: (key, created_at) carrying order_id and weight."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0010_worker_heartbeat"),
        ("workorders", "0017_list_probe_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ordertextkey",
            index=models.Index(
                fields=["key", "created_at"], include=("order", "weight"), name="order_text_key_covering_idx"
            ),
        ),
        migrations.RemoveIndex(model_name="ordertextkey", name="order_text_key_idx"),
    ]
