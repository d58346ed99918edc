"""The knowledge base's models moved here from ``hotline``: the tables stay as they are (state only)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('hotline', '0004_knowledge_base'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='KnowledgeArticle',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=255, verbose_name='title')),
                        ('kind', models.CharField(choices=[('policy', 'Policy'), ('faq', 'FAQ'), ('procedure', 'Procedure'), ('reply', 'Past reply')], default='policy', max_length=16, verbose_name='kind')),
                        ('question', models.TextField(blank=True, help_text='For FAQs and replies: what was asked.', verbose_name='question')),
                        ('body', models.TextField(verbose_name='text')),
                        ('tags', models.JSONField(blank=True, default=list, verbose_name='tags')),
                        ('source', models.CharField(blank=True, help_text='The file or data set it came from.', max_length=255, verbose_name='source')),
                        ('source_ref', models.CharField(blank=True, max_length=128, verbose_name='reference in the source')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at')),
                    ],
                    options={
                        'verbose_name': 'knowledge article',
                        'verbose_name_plural': 'knowledge base',
                        'db_table': 'hotline_knowledgearticle',
                        'ordering': ['-updated_at', '-id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('source_ref', ''), _negated=True), fields=('source', 'source_ref'), name='knowledge_unique_source_ref')],
                    },
                ),
                migrations.CreateModel(
                    name='KnowledgePassage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField()),
                        ('text', models.TextField()),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='passages', to='knowledge.knowledgearticle')),
                    ],
                    options={
                        'db_table': 'hotline_knowledgepassage',
                        'ordering': ['article_id', 'position'],
                        'constraints': [models.UniqueConstraint(fields=('article', 'position'), name='passage_unique_position')],
                    },
                ),
            ],
        ),
    ]
