import pytest

from govhall.cases import services_actions as actions
from govhall.cases.tests.factories import case_submitted, online_item
from govhall.exchange.models import Resource, ResourceField
from govhall.exchange.tests.factories import GrantFactory, ResourceFactory
from govhall.licenses import services
from govhall.licenses.models import LicenseType
from govhall.organizations.tests.factories import DepartmentFactory

F = ResourceField.Type
INDEX_FIELDS = [
    ("license_identifier", "证照标识", F.TEXT, False),
    ("license_type", "证照类型", F.TEXT, False),
    ("license_name", "证照名称", F.TEXT, False),
    ("license_number", "证照编号", F.TEXT, True),
    ("issuer", "颁发部门", F.TEXT, False),
    ("issued_on", "颁发日期", F.DATE, False),
    ("status", "证照状态", F.TEXT, False),
]
FACE = [
    {"name": "holder", "label": "持证人", "type": "text", "required": True, "personal": True,
     "source": "holder.name"},
    {"name": "id_number", "label": "身份证号", "type": "text", "required": True,
     "personal": True, "source": "holder.key"},
    {"name": "address", "label": "住址", "type": "text", "required": False, "personal": True,
     "source": "form.address"},
    {"name": "kind", "label": "保障类型", "type": "text", "required": False,
     "personal": False, "source": ""},
]  # fmt: skip


@pytest.fixture
def license_index(db, housing_department):
    resource = ResourceFactory(
        code="license_index",
        name="电子证照目录",
        provider=DepartmentFactory(name="亳州市数据资源管理局"),
        sharing_type=Resource.SharingType.UNCONDITIONAL,
        record_key_field="license_identifier",
        field_specs=INDEX_FIELDS,
    )
    GrantFactory(resource=resource, consumer=housing_department)
    return resource


@pytest.fixture
def rental_type(housing_department):
    return LicenseType.objects.create(
        code="public_rental_qualification",
        type_code="ZJJ0011",
        name="公共租赁住房保障资格证明",
        department=housing_department,
        holder_kind=LicenseType.HolderKind.CITIZEN,
        face_fields=FACE,
        validity_years=3,
        annual_inspection=True,
        face_title="公共租赁住房保障资格证明",
    )


@pytest.fixture
def license(rental_type, applicant, license_index):
    return services.license_issue(
        actor=None,
        license_type=rental_type,
        holder_name=applicant.name,
        holder_key=applicant.id_number,
        face={"holder": applicant.name, "id_number": applicant.id_number, "kind": "公租房"},
        holder=applicant,
    )


@pytest.fixture
def license_item(housing_department, rental_type):
    return online_item(
        housing_department,
        result_type="10",
        result_name="公共租赁住房保障资格证明",
        license_type_code="public_rental_qualification",
    )


@pytest.fixture
def completed_case(applicant, license_item, clerk, reviewer, approver, license_index):
    case = case_submitted(applicant, license_item)
    case = actions.case_accept(actor=clerk, case=case)
    case = actions.case_decide(actor=reviewer, case=case, approve=True, opinion="符合")
    case = actions.case_decide(actor=approver, case=case, approve=True, opinion="准予")
    return actions.case_complete(actor=clerk, case=case)
