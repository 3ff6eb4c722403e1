from django.db import migrations

POSTS = [
    ("acceptance", "受理", "窗口受理:接收申请,受理或不予受理,一次性告知补正", 10),
    ("review", "审核", "审核申请材料,一键核查共享数据,提出审核意见", 20),
    ("approval", "审批", "作出准予或不予许可的决定", 30),
    ("supervision", "监察", "监督办理时限,发出预警、黄牌、红牌,追责", 40),
    ("data_officer", "数据管理员", "发布与维护本部门数据资源,审批共享申请", 50),
    ("catalog_admin", "清单管理", "维护本部门事项清单和办事指南", 60),
]


def add_posts(apps, schema_editor):
    Post = apps.get_model("organizations", "Post")
    for code, name, description, order in POSTS:
        Post.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(add_posts, migrations.RunPython.noop)]
