"""A folded copy of each person's name, for search by name without accents or case."""

from django.db import migrations, models

from nowrongdoor.records.people.names import fold_name


def fold_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    people = Person.objects.only("pk", "given_name", "family_name")
    batch = []
    for person in people.iterator(chunk_size=2000):
        person.search_name = fold_name(f"{person.given_name} {person.family_name}")
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["search_name"])
            batch = []
    Person.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_name",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fold_existing, migrations.RunPython.noop),
    ]
