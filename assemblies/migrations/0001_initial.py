"""The General Assembly's models, moved from ``networks`` with their tables (step 2 of 3).

State only: the tables exist already (created by ``networks`` 0002-0009, renamed
``assemblies_<model>`` by ``networks`` 0010); each model is declared here exactly as it was
there. ``networks`` 0011 then drops the old models from its state and moves the content types.
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('networks', '0010_assembly_tables_to_assemblies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='GeneralAssembly',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French')], default='en', help_text='The language the title is written in.', max_length=8, verbose_name='language of the title')),
                        ('date', models.DateField(db_index=True, verbose_name='date')),
                        ('start_time', models.TimeField(blank=True, null=True, verbose_name='start time')),
                        ('place', models.CharField(blank=True, max_length=255, verbose_name='place')),
                        ('online_link', models.URLField(blank=True, verbose_name='online link')),
                        ('status', models.CharField(choices=[('planned', 'planned'), ('convened', 'convened'), ('in_session', 'in session'), ('closed', 'closed')], db_index=True, default='planned', max_length=12, verbose_name='status')),
                        ('quorum_share', models.DecimalField(decimal_places=2, default=Decimal('0.50'), max_digits=3, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('1'))], verbose_name='quorum (share of eligible countries present)')),
                        ('session_override_reason', models.TextField(blank=True, editable=False, verbose_name='reason for opening the session on another day')),
                        ('session_override_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='allowed on')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('chair', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='chaired_assemblies', to=settings.AUTH_USER_MODEL, verbose_name='chair')),
                        ('session_override_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='allowed by')),
                    ],
                    options={
                        'verbose_name': 'General Assembly',
                        'verbose_name_plural': 'General Assemblies',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='Convocation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('convocation', 'convocation'), ('agenda_update', 'updated agenda')], default='convocation', max_length=20, verbose_name='kind')),
                        ('agenda', models.JSONField(blank=True, default=list, verbose_name='agenda as sent')),
                        ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='sent')),
                        ('recipients', models.PositiveIntegerField(default=0, verbose_name='recipients')),
                        ('late', models.BooleanField(default=False, help_text='Sent less than one month before the assembly, with explicit confirmation.', verbose_name='less than one month ahead')),
                        ('sent_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('assembly', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='convocations', to='assemblies.generalassembly')),
                    ],
                    options={
                        'verbose_name': 'convocation',
                        'verbose_name_plural': 'convocations',
                        'ordering': ['-sent_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AgendaItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('kind', models.CharField(choices=[('adhesion', 'adhesion of a new member'), ('motion', 'motion')], max_length=10, verbose_name='kind')),
                        ('title', models.CharField(max_length=255, verbose_name='title')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French')], default='en', help_text='The language the title and text of the motion are written in.', max_length=8, verbose_name='language of the motion')),
                        ('majority', models.CharField(choices=[('simple', 'simple majority (more yes than no)'), ('two_thirds', 'two-thirds majority')], default='simple', max_length=12, verbose_name='majority')),
                        ('vote_state', models.CharField(choices=[('not_open', 'vote not open'), ('open', 'vote open'), ('closed', 'vote closed')], default='not_open', max_length=10, verbose_name='vote')),
                        ('opened_at', models.DateTimeField(blank=True, null=True, verbose_name='vote opened')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='vote closed')),
                        ('outcome', models.CharField(blank=True, choices=[('adopted', 'adopted'), ('rejected', 'rejected'), ('no_quorum', 'no quorum')], max_length=10, verbose_name='outcome')),
                        ('quorum_met', models.BooleanField(blank=True, null=True, verbose_name='quorum met')),
                        ('eligible_countries', models.PositiveSmallIntegerField(default=0, verbose_name='eligible countries')),
                        ('present_countries', models.PositiveSmallIntegerField(default=0, verbose_name='present countries')),
                        ('totals', models.JSONField(blank=True, default=dict, verbose_name='totals per choice (countries)')),
                        ('network_totals', models.JSONField(blank=True, default=dict, verbose_name='totals per choice (networks)')),
                        ('country_breakdown', models.JSONField(blank=True, default=dict, verbose_name='vote of each country')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('application', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='agenda_items', to='networks.application', verbose_name='adhesion application')),
                        ('assembly', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda_items', to='assemblies.generalassembly', verbose_name='General Assembly')),
                    ],
                    options={
                        'verbose_name': 'agenda item',
                        'verbose_name_plural': 'agenda items',
                        'ordering': ['assembly', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Vote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('choice', models.CharField(choices=[('yes', 'yes'), ('no', 'no'), ('abstain', 'abstain')], max_length=8, verbose_name='choice')),
                        ('cast_at', models.DateTimeField(verbose_name='cast')),
                        ('cast_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='cast by')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='assemblies.agendaitem')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='votes', to='networks.network', verbose_name='network')),
                    ],
                    options={
                        'verbose_name': 'vote',
                        'verbose_name_plural': 'votes',
                        'ordering': ['item', 'network__country', 'network__legal_name'],
                    },
                ),
                migrations.CreateModel(
                    name='Attendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('self_checked_in', models.BooleanField(default=False, verbose_name='checked in by its representative')),
                        ('arrived_at', models.DateTimeField(auto_now_add=True, verbose_name='present since')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='networks.network', verbose_name='network')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('assembly', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='assemblies.generalassembly')),
                    ],
                    options={
                        'verbose_name': 'attendance',
                        'verbose_name_plural': 'attendances',
                        'ordering': ['network__country', 'network__legal_name'],
                        'constraints': [models.UniqueConstraint(fields=('assembly', 'network'), name='one_attendance_per_network')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='agendaitem',
                    constraint=models.UniqueConstraint(condition=models.Q(('application__isnull', False)), fields=('assembly', 'application'), name='one_agenda_item_per_application'),
                ),
                migrations.AddConstraint(
                    model_name='agendaitem',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'adhesion'), ('application__isnull', False)), models.Q(('kind', 'motion'), ('application__isnull', True)), _connector='OR'), name='adhesion_items_name_their_application'),
                ),
                migrations.AddConstraint(
                    model_name='vote',
                    constraint=models.UniqueConstraint(fields=('item', 'network'), name='one_vote_per_network'),
                ),
            ],
        ),
    ]
