"""The handling units list (承办单位) and the members roster (委员名册).

A unit is matched by its name, a member by name and sector. An empty cell leaves what
the directory holds; a filled one that differs updates it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hcppcc.core import sheets
from hcppcc.core.imports import (
    CellReader,
    Importer,
    RowError,
    RowOutcome,
    choice_label,
    choice_parser,
    named_parser,
    names_index,
)
from hcppcc.core.records import record_save
from hcppcc.directory.choices import HandlingUnitKind, MemberPosition
from hcppcc.directory.models import Committee, HandlingUnit, Member, Organization, Sector

# --- handling units ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    name: str
    fields: dict


UNIT_FIELDS = ("short_name", "kind", "contact_person", "contact_phone", "contact_email")


class UnitImporter(Importer):
    columns = (
        sheets.Column(
            "name",
            "单位名称",
            ("承办单位", "名称", "单位", "单位全称"),
            required=True,
            note="全称，如 呼和浩特市教育局",
            example="呼和浩特市教育局",
        ),
        sheets.Column("short_name", "简称", ("单位简称",), note="如 市教育局", example="市教育局"),
        sheets.Column(
            "kind",
            "单位类别",
            ("类别", "类型", "单位类型"),
            note="、".join(choice_label(HandlingUnitKind, v) for v in HandlingUnitKind.values),
            example="政府部门",
        ),
        sheets.Column("contact_person", "联系人", ("经办人",), example="王某"),
        sheets.Column("contact_phone", "联系电话", ("电话", "手机"), example="0471-0000000"),
        sheets.Column("contact_email", "电子邮箱", ("邮箱", "email"), example=""),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.units = {unit.name: unit for unit in HandlingUnit.objects.all()}
        self._kind = choice_parser(HandlingUnitKind, _("unit kind"))

    def read(self, cells) -> UnitRow:
        reader = CellReader(self.columns, cells)
        name = reader.get("name", required=True)
        fields = {key: reader.get(key) for key in UNIT_FIELDS if key != "kind"}
        fields["kind"] = reader.get("kind", self._kind)
        reader.done()
        return UnitRow(name, fields)

    def key(self, record) -> tuple:
        return (record.name,)

    def save(self, record) -> str:
        unit = self.units.get(record.name)
        if unit is None:
            if not record.fields["kind"]:
                raise RowError(_("A new unit needs its kind (单位类别)."))
            changes = {k: v for k, v in record.fields.items() if v}
            self.units[record.name] = record_save(
                record=HandlingUnit(name=record.name), by=self.by, changes=changes
            )
            return RowOutcome.NEW
        changes = {k: v for k, v in record.fields.items() if v and getattr(unit, k) != v}
        if not changes:
            return RowOutcome.UNCHANGED
        self.units[record.name] = record_save(record=unit, by=self.by, changes=changes)
        return RowOutcome.UPDATE

    @staticmethod
    def export_rows(units):
        for unit in units:
            yield [
                unit.name,
                unit.short_name,
                choice_label(HandlingUnitKind, unit.kind),
                unit.contact_person,
                unit.contact_phone,
                unit.contact_email,
            ]


# --- members -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    name: str
    sector: Sector | None
    fields: dict
    committees: tuple


class MemberImporter(Importer):
    columns = (
        sheets.Column("name", "姓名", ("委员姓名", "委员", "名字"), required=True, example="张三"),
        sheets.Column(
            "sector", "界别", ("所在界别", "界别名称"), note="界别全称", example="经济界"
        ),
        sheets.Column(
            "organization",
            "党派",
            ("党派团体", "参加单位", "政治面貌", "党派/团体"),
            note="参加单位全称或简称，如 民盟",
            example="中国民主同盟",
        ),
        sheets.Column(
            "committees",
            "专委会",
            ("专门委员会", "所在专委会", "专委"),
            note="可填多个，用顿号分隔",
            example="经济委员会",
        ),
        sheets.Column(
            "position",
            "职务",
            ("政协职务",),
            note="、".join(choice_label(MemberPosition, v) for v in MemberPosition.values),
            example="委员",
        ),
        sheets.Column("phone", "联系电话", ("电话", "手机"), example=""),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sectors = names_index(Sector)
        self.organizations = names_index(Organization)
        self.committees = names_index(Committee)
        self.members = {
            (member.name, member.sector_id): member
            for member in Member.objects.prefetch_related("committees")
        }
        self._position = choice_parser(MemberPosition, _("position"))

    def _committees(self, raw):
        found = []
        for name in sheets.split_names(raw):
            if name not in self.committees:
                raise sheets.unknown_name(_("committee"), name, self.committees)
            found.append(self.committees[name])
        return tuple(found)

    def read(self, cells) -> MemberRow:
        reader = CellReader(self.columns, cells)
        name = reader.get("name", required=True)
        sector = reader.get("sector", named_parser(self.sectors, _("sector")))
        fields = {
            "organization": reader.get(
                "organization", named_parser(self.organizations, _("organization"))
            ),
            "position": reader.get("position", self._position),
            "phone": reader.get("phone"),
        }
        committees = reader.get("committees", self._committees)
        reader.done()
        return MemberRow(name, sector, fields, committees or ())

    def key(self, record) -> tuple:
        return (record.name, record.sector.name if record.sector else "")

    def save(self, record) -> str:
        key = (record.name, record.sector.pk if record.sector else None)
        member = self.members.get(key)
        related = {"committees": record.committees} if record.committees else {}
        if member is None:
            changes = {k: v for k, v in record.fields.items() if v}
            self.members[key] = record_save(
                record=Member(name=record.name, sector=record.sector),
                by=self.by,
                changes=changes,
                related=related,
            )
            return RowOutcome.NEW
        changes = {k: v for k, v in record.fields.items() if v and getattr(member, k) != v}
        if related and set(record.committees) == set(member.committees.all()):
            related = {}
        if not changes and not related:
            return RowOutcome.UNCHANGED
        self.members[key] = record_save(record=member, by=self.by, changes=changes, related=related)
        return RowOutcome.UPDATE

    @staticmethod
    def export_rows(members):
        for member in members:
            yield [
                member.name,
                member.sector.name if member.sector else "",
                member.organization.name if member.organization else "",
                sheets.join_names(c.name for c in member.committees.all()),
                choice_label(MemberPosition, member.position),
                member.phone,
            ]
