"""Load seed records from YAML files into the database.

A seed file names one model, the fields that identify a record, and the records::

    model: directory.Member          # app_label.ModelName
    key: [name, sector]              # fields that find an existing record
    create_only: [is_current]        # optional: fields set on creation, never updated
    records:
      - name: 孙建华
        position: chair
        committees: [[提案委员会]]

A foreign key or many-to-many value is the related record's natural key (a scalar for a
one-part key, a list otherwise), looked up with the related manager's
``get_by_natural_key``. Fields a record leaves out are left alone.

Records with a history (proposals) name a ``loader`` instead of a model; the loader
replays each record's steps through the app's services (see ``RECORD_LOADERS``)::

    loader: proposals
    records:
      - {session: [13, 3], title: ..., history: [{step: submit, date: 2020-05-08}, ...]}

Loading is idempotent: a missing record is created, an existing one is left alone, so a
second run writes nothing. The office's own edits of seeded records survive a reload;
``update=True`` (``load_seeds --update``) puts the files' values back instead, and again
writes only what differs. It is atomic: every file is read and every record validated
inside one transaction, and the first problem rolls all of it back with an error naming the
file and the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.core.exceptions import (
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import models, transaction
from django.utils.module_loading import import_string

from hcppcc.core.workflow.errors import WorkflowError

DATA_DIR = Path(__file__).resolve().parent / "data"
# Demonstration records, loaded only by ``create_demo_users`` (never in production).
DEMO_DIR = Path(__file__).resolve().parent / "demo"


class SeedError(Exception):
    """A seed file or one of its records is malformed; nothing was loaded."""


@dataclass
class FileResult:
    path: Path
    model_label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Existing records whose fields differ from the file, left alone without ``update``.
    differ: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


# loader name -> (dotted path of a function taking one record, returning "created" or
# "unchanged", the model label reported)
RECORD_LOADERS = {"proposals": ("proposals.seeding.load_record", "proposals.Proposal")}


@dataclass
class SeedFile:
    path: Path
    model: type[models.Model]
    key: list[str]
    create_only: set[str]
    records: list[dict[str, Any]] = field(default_factory=list)
    # Set for files of records with a history: the function that loads one record.
    record_loader: Any = None


def seed_files(directory: Path = DATA_DIR) -> list[Path]:
    """The seed files of ``directory`` in load order (their names start with a number)."""
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})


def load_seeds(paths: Iterable[Path] | None = None, *, update: bool = False) -> list[FileResult]:
    """Load ``paths`` (default: every file in seeds/data) in one transaction."""
    paths = list(paths) if paths is not None else seed_files()
    parsed = [_parse(path) for path in paths]
    # One record must not be defined twice, even in two files: the loads would fight.
    seen_keys: dict[type[models.Model], set[tuple]] = {}
    with transaction.atomic():
        return [
            _load(seed, seen_keys.setdefault(seed.model, set()), update=update) for seed in parsed
        ]


def _parse_history_file(path: Path, document: dict) -> SeedFile:
    if document["loader"] not in RECORD_LOADERS:
        raise SeedError(f"{path}: unknown loader {document['loader']!r}")
    if not isinstance(document.get("records"), list):
        raise SeedError(f"{path}: 'records' must be a list")
    function_path, model_label = RECORD_LOADERS[document["loader"]]
    return SeedFile(
        path=path,
        model=apps.get_model(model_label),
        key=["session", "title"],
        create_only=set(),
        records=document["records"],
        record_loader=import_string(function_path),
    )


def _names(document: dict, entry: str, path: Path) -> list[str]:
    value = document.get(entry) or []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise SeedError(f"{path}: '{entry}' must be a list of field names")
    return value


def _parse(path: Path) -> SeedFile:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SeedError(f"{path}: cannot be read as YAML: {error}") from error
    if not isinstance(document, dict):
        raise SeedError(f"{path}: expected a mapping with 'model', 'key' and 'records'")
    unknown = set(document) - {"model", "key", "create_only", "records", "loader"}
    if unknown:
        raise SeedError(f"{path}: unknown top-level entries: {', '.join(sorted(unknown))}")
    if "loader" in document:
        return _parse_history_file(path, document)
    try:
        model = apps.get_model(str(document.get("model")))
    except (LookupError, ValueError) as error:
        raise SeedError(f"{path}: 'model' must name a model as app_label.Model") from error
    key = _names(document, "key", path)
    create_only = _names(document, "create_only", path)
    records = document.get("records")
    if not key:
        raise SeedError(f"{path}: 'key' must be a non-empty list of field names")
    if not isinstance(records, list):
        raise SeedError(f"{path}: 'records' must be a list")
    for name in key + create_only:
        _field(model, name, where=str(path))
    return SeedFile(path=path, model=model, key=key, create_only=set(create_only), records=records)


def _field(model: type[models.Model], name: str, *, where: str) -> models.Field:
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise SeedError(f"{where}: {model.__name__} has no field {name!r}") from None
    if found.auto_created or (not found.concrete and not found.many_to_many):
        raise SeedError(f"{where}: {model.__name__}.{name} cannot be seeded")
    return found


def _load(seed: SeedFile, seen_keys: set[tuple], *, update: bool) -> FileResult:
    result = FileResult(path=seed.path, model_label=seed.model._meta.label)
    for index, record in enumerate(seed.records, start=1):
        where = f"{seed.path}: record {index}"
        if not isinstance(record, dict):
            raise SeedError(f"{where}: expected a mapping of field names to values")
        where = f"{where} ({_describe(record, seed.key)})"
        try:
            if seed.record_loader is not None:
                outcome = _load_history_record(seed, record, seen_keys, where)
            else:
                outcome = _load_record(seed, record, seen_keys, where, update=update)
        except SeedError:
            raise
        except WorkflowError as error:
            raise SeedError(f"{where}: {error.message}") from error
        except (ObjectDoesNotExist, MultipleObjectsReturned, KeyError) as error:
            raise SeedError(f"{where}: {type(error).__name__}: {error}") from error
        except ValidationError as error:
            raise SeedError(f"{where}: {_format_validation(error)}") from error
        except (TypeError, ValueError) as error:
            raise SeedError(f"{where}: {error}") from error
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _load_history_record(seed: SeedFile, record: dict, seen_keys: set[tuple], where: str):
    identity = (str(record.get("session")), str(record.get("title")))
    if identity in seen_keys:
        raise SeedError(f"{where}: the same record is defined twice in the seed files")
    seen_keys.add(identity)
    return seed.record_loader(record)


def _load_record(
    seed: SeedFile, record: dict, seen_keys: set[tuple], where: str, *, update: bool
) -> str:
    model = seed.model
    values: dict[str, Any] = {}
    many: dict[str, list[models.Model]] = {}
    for name, raw in record.items():
        model_field = _field(model, name, where=where)
        if model_field.many_to_many:
            if not isinstance(raw, list):
                raise SeedError(f"{where}: {name} must be a list")
            many[name] = [_resolve(model_field, item, where) for item in raw]
        elif model_field.is_relation:
            values[name] = None if raw is None else _resolve(model_field, raw, where)
        elif isinstance(raw, list | dict):
            raise SeedError(f"{where}: {name} must be a single value")
        else:
            try:
                values[name] = model_field.to_python(raw)
            except ValidationError as error:  # the wrong type, e.g. letters for a year
                raise ValidationError({name: error.messages}) from error

    missing = [name for name in seed.key if name not in values and name not in many]
    if any(model._meta.get_field(name).null is False for name in missing):
        raise SeedError(f"{where}: key field(s) missing: {', '.join(missing)}")
    lookup = {name: values.get(name) for name in seed.key}
    identity = tuple(str(value) for value in lookup.values())
    if identity in seen_keys:
        raise SeedError(f"{where}: the same record is defined twice in the seed files")
    seen_keys.add(identity)

    try:
        instance = model._default_manager.get(**lookup)
    except ObjectDoesNotExist:
        instance = model(**values)
        instance.full_clean()
        instance.save()
        for name, related in many.items():
            getattr(instance, name).set(related)
        return "created"
    except MultipleObjectsReturned:
        raise SeedError(f"{where}: the key matches several existing records") from None

    changed = []
    for name, value in values.items():
        if name not in seed.create_only and getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    changed_many = [
        name
        for name, related in many.items()
        if name not in seed.create_only
        and set(getattr(instance, name).values_list("pk", flat=True)) != {r.pk for r in related}
    ]
    if not changed and not changed_many:
        return "unchanged"
    if not update:
        return "differ"
    if changed:
        instance.full_clean()
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=changed + auto_now)
    for name in changed_many:
        getattr(instance, name).set(many[name])
    return "updated"


def _resolve(model_field: models.Field, raw: Any, where: str) -> models.Model:
    related = model_field.related_model
    natural_key = raw if isinstance(raw, list) else [raw]
    try:
        return related._default_manager.get_by_natural_key(*natural_key)
    except (ObjectDoesNotExist, MultipleObjectsReturned, TypeError, ValueError):
        raise SeedError(
            f"{where}: {model_field.name}: no single {related.__name__} with key {raw!r}"
        ) from None


def _describe(record: dict, key: list[str]) -> str:
    return ", ".join(f"{name}={record.get(name)!r}" for name in key if name in record) or "?"


def _format_validation(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(m) for m in error.messages)
