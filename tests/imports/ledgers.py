"""A proposal ledger of any length in the office's shape, every kind of row in it, built
in code: for the ledger tests and for the import benchmark (bench/imports.py)."""

import datetime
import random

from hcppcc.directory.models import HandlingUnit
from proposals.choices import ProposalStatus

HEADERS = [
    "届次",
    "案号",
    "案由",
    "提案人",
    "联名人",
    "类别",
    "提交时间",
    "立案情况",
    "不予立案理由",
    "立案日期",
    "主办单位",
    "会办单位",
    "分办单位",
    "交办日期",
    "答复日期",
    "答复类别",
    "满意度",
    "是否重点提案",
]
PEOPLE = ["张伟（经济界）", "张伟（教育界）", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏"]
COLLECTIVES = ["中国民主同盟呼和浩特市委员会", "经济委员会", "经济界"]
CATEGORIES = ["经济建设", "城乡建设", "社会民生", "教育科技", "医疗卫生"]
SATISFACTION = {7: "满意", 8: "基本满意", 9: "不满意"}
# What each kind of row (its number modulo 10) leaves the proposal as.
EXPECTED_STATUS = {
    0: ProposalStatus.SUBMITTED,
    1: ProposalStatus.NOT_ACCEPTED,
    2: ProposalStatus.ACCEPTED,
    3: ProposalStatus.ASSIGNED,
    4: ProposalStatus.ASSIGNED,
    5: ProposalStatus.ASSIGNED,
    6: ProposalStatus.REPLIED,
    7: ProposalStatus.CLOSED,
    8: ProposalStatus.CLOSED,
    # Unsatisfied: handled again, a second round (the rules allow one).
    9: ProposalStatus.HANDLING,
}


def ledger(count=500, seed=2020):
    """A ledger of ``count`` rows of every kind: pending, not accepted, accepted, assigned
    to a lead unit, to a lead and joint units, to separate units, replied, and judged
    satisfied, basically satisfied or unsatisfied; with co-signers, collective proposers
    and key proposals among them."""
    rng = random.Random(seed)
    units = list(HandlingUnit.objects.order_by("name").values_list("name", flat=True))
    rows, case = [], 0
    for i in range(1, count + 1):
        kind = i % 10
        submitted = datetime.date(2020, 1, 6) + datetime.timedelta(days=i % 40)
        collective = i % 11 == 0
        proposer = rng.choice(COLLECTIVES) if collective else PEOPLE[i % len(PEOPLE)]
        cosigners = []
        if not collective and i % 3 == 0:
            cosigners = rng.sample([p for p in PEOPLE if p != proposer], k=1 + i % 2)
        accepted = kind >= 2
        if accepted:
            case += 1
        picked = rng.sample(units, 3)
        lead = joint = separate = ""
        if kind == 4:
            lead, joint = picked[0], "、".join(picked[1 : 1 + 1 + i % 2])
        elif kind == 5:
            separate = "、".join(picked[:2])
        elif kind >= 3:
            lead = picked[0]
        assigned = submitted + datetime.timedelta(days=30) if kind >= 3 else None
        replied = assigned + datetime.timedelta(days=50 + i % 20) if kind >= 6 else None
        rows.append(
            [
                "十三届三次会议",
                f"第{case:04d}号" if accepted else "",
                f"关于第{i}项民生实事的提案",
                proposer,
                "、".join(cosigners),
                CATEGORIES[i % len(CATEGORIES)] if accepted else "",
                submitted.isoformat(),
                {0: "待审查", 1: "不予立案"}.get(kind, "立案"),
                "内容空泛、没有具体建议" if kind == 1 else "",
                (submitted + datetime.timedelta(days=5)).isoformat() if kind >= 1 else "",
                lead,
                joint,
                separate,
                assigned.isoformat() if assigned else "",
                replied.isoformat() if replied else "",
                "ABC"[i % 3] if replied else "",
                SATISFACTION.get(kind, ""),
                "是" if accepted and i % 7 == 0 else "否",
            ]
        )
    return [HEADERS, *rows]
