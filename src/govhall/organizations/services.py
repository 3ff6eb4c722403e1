"""Organization writes."""

from __future__ import annotations

from govhall.organizations.models import Post

# The posts every city has. Migration 0002 seeds the same list; this copy restores it where the
# table was emptied (a database flushed by transactional tests, a restored partial backup).
STANDARD_POSTS: list[tuple[str, str, str, int]] = [
    (Post.ACCEPTANCE, "受理", "窗口受理:接收申请,受理或不予受理,一次性告知补正", 10),
    (Post.REVIEW, "审核", "审核申请材料,一键核查共享数据,提出审核意见", 20),
    (Post.APPROVAL, "审批", "作出准予或不予许可的决定", 30),
    (Post.SUPERVISION, "监察", "监督办理时限,发出预警、黄牌、红牌,追责", 40),
    (Post.DATA_OFFICER, "数据管理员", "发布与维护本部门数据资源,审批共享申请", 50),
    (Post.CATALOG_ADMIN, "清单管理", "维护本部门事项清单和办事指南", 60),
]


def posts_ensure() -> None:
    """Create any missing standard post (idempotent; existing posts are left as configured)."""
    existing = set(Post.objects.values_list("code", flat=True))
    missing = [
        Post(code=code, name=name, description=description, sort_order=order)
        for code, name, description, order in STANDARD_POSTS
        if code not in existing
    ]
    if missing:
        Post.objects.bulk_create(missing, ignore_conflicts=True)
