"""The plan of the demo history (stats.demo): what happened to each demo ticket, step by step, in hours
after its receipt. Pure and deterministic: the same seed gives the same month.

Two parts:
- DEMO_TICKET_STEPS: the shipped demo tickets (submit/demo/tickets.yaml, received in the last three
  days) taken to the states a console demo needs (派单, 签收, 退单 waiting, 延期 waiting, 催办, answers
  awaiting 审核 or 回访, 办结, 重办); the newest stay 受理 for the queue.
- history_plans(): HISTORY_COUNT phone tickets spread over the last HISTORY_DAYS days with a realistic
  spread of outcomes: most answered, approved, followed up and closed; some 退单 and re-dispatched,
  some 延期, some late (催办 once overdue), some unsatisfied and reopened, a few stalled and overdue now.
Its rates and texts (签收 delays, the stalled and unreached shares, 回访 answers, the reply) are also the
simulator's lifecycle's (stats.insight.simulate_lifecycle), so the two tell the same kind of month.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

HISTORY_COUNT = 160
HISTORY_DAYS = 35
SEED = 12345

Step = tuple[float, str, dict]  # (hours after receipt, action, parameters)

DEMO_TICKET_STEPS: dict[str, list[Step]] = {
    "heating-fee-empty-flat": [(0.5, "dispatch", {}), (2, "accept", {}), (5, "reply", {}), (6, "approve", {})],
    "heating-late-start": [(1, "dispatch", {}), (3, "accept", {}), (4, "start", {})],
    "heating-new-connection": [(1, "dispatch", {}), (2, "accept", {}), (20, "reply", {}), (21, "approve", {}),
                               (26, "rate", {"solved": "solved", "satisfaction": "satisfied"}), (27, "close", {})],
    "water-cut-no-notice": [(0.5, "dispatch", {})],
    "lift-broken-again": [(1, "dispatch", {}), (3, "return", {})],
    "night-construction-noise": [(0.5, "dispatch", {}), (1, "accept", {})],
    "coal-burning-smoke": [(1, "dispatch", {}), (5, "accept", {}), (30, "extend", {"days": 5})],
    "snow-not-cleared": [(1, "dispatch", {}), (2, "accept", {}), (3, "start", {}), (20, "chase", {})],
    "street-lamp-out": [(1, "dispatch", {}), (20, "accept", {}), (40, "reply", {}), (42, "approve", {}),
                        (50, "rate", {"solved": "partly", "satisfaction": "basic"}), (51, "close", {})],
    "wages-before-new-year": [(1, "dispatch", {}), (2, "accept", {})],
    "offsite-medical": [(1, "dispatch", {}), (3, "accept", {}), (10, "reply", {}), (11, "approve", {})],
    "senior-allowance": [(1, "dispatch", {}), (4, "accept", {}), (24, "reply", {}), (25, "approve", {}),
                         (30, "rate", {"solved": "solved", "satisfaction": "very_satisfied"}), (31, "close", {})],
    "bus-route-night": [(2, "dispatch", {}), (6, "accept", {}), (30, "reply", {}), (31, "approve", {}),
                        (40, "rate", {"solved": "unsolved", "satisfaction": "dissatisfied"}), (41, "reopen", {})],
    "gym-closed-prepaid": [(1, "dispatch", {}), (3, "accept", {}), (4, "start", {}), (50, "reply", {})],
    "thanks-heating-repair": [(1, "close", {})],
}

# (leaf code, request type, what the caller said); addresses and callers are drawn per ticket.
MATTERS = [
    ("010101", "complaint", "家里暖气不热，室温只有十五度左右，已经反映给换热站好几次了，请尽快处理。"),
    ("010101", "help", "暖气片上热下凉，放气后也没有改善，家里有老人，请供热单位上门检修。"),
    ("010102", "enquiry", "想咨询空置房采暖费的收费标准和报停需要带哪些材料。"),
    ("010104", "help", "楼道里的供热管道漏水，地面结冰，请尽快派人关阀维修。"),
    ("010203", "complaint", "小区电梯经常停运，物业维修后没几天又坏，老人上下楼很困难。"),
    ("020101", "help", "小区突然停水，没有提前通知，请问什么时候恢复供水。"),
    ("020203", "help", "家里燃气压力很低，做饭火很小，请燃气公司上门检查。"),
    ("030203", "complaint", "路口积雪几天没人清理，路面结冰，行人和车辆通行很危险。"),
    ("040102", "help", "人行道上的井盖松动，晚上看不清，已经有人差点摔倒。"),
    ("040301", "suggestion", "建议夜间增开公交线路，方便下夜班的市民回家。"),
    ("050104", "report", "附近有人烧散煤，烟很大，晚上窗户都不敢开。"),
    ("050302", "complaint", "工地夜间施工噪音很大，过了晚上十点还在作业，影响休息。"),
    ("060201", "help", "年底了单位还拖欠工资三个月，多次讨要没有结果，请求帮助。"),
    ("070102", "enquiry", "想咨询异地就医备案怎么办理，在外地住院能不能直接结算。"),
    ("130102", "complaint", "健身房突然关门，预付的会员费没有退，商家联系不上。"),
    ("160102", "enquiry", "请问八十岁以上老人的高龄补贴怎么申请，需要什么材料。"),
]
PLACES = ["小店区坞城路", "迎泽区五一路", "杏花岭区胜利街", "万柏林区千峰南路", "晋源区晋祠路", "尖草坪区柴村街"]
SURNAMES = "王李张刘陈杨赵黄周吴"
PREFIXES = ("139", "138", "135", "136", "150", "151", "186", "187", "155", "177")
SOLVED = [("solved", 80), ("partly", 12), ("unsolved", 8)]
SATISFACTION = {"solved": [("very_satisfied", 40), ("satisfied", 45), ("basic", 12), ("dissatisfied", 3)],
                "partly": [("satisfied", 20), ("basic", 50), ("dissatisfied", 30)],
                "unsolved": [("basic", 10), ("dissatisfied", 50), ("very_dissatisfied", 40)]}
LIMIT_DAYS = {"enquiry": 2, "help": 10, "complaint": 15, "report": 15, "suggestion": 10, "praise": 5}
WRONG_DEPARTMENTS = ("SZJJ", "SCXGLJ")
STALLED = 0.06  # share stalled after 签收: overdue once the deadline passes
UNREACHED = 0.15  # share whose 回访 call does not reach the citizen: closed a day later, unrated
# What the steps say (the simulator's bulk lifecycle, stats.insight.simulate_lifecycle, says the same).
REPLY = "经核实，已安排工作人员到现场处理，问题已解决。感谢您对12345热线的支持。"
CHASE_NOTE = "请抓紧办理并及时答复"
NO_ANSWER = "电话无人接听"


@dataclass
class TicketPlan:
    key: str
    days_ago: float
    request_type: str
    category: str
    content: str
    address: str
    name: str
    phone: str
    steps: list[Step] = field(default_factory=list)


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def accept_delay(rng: random.Random) -> float:
    """Hours from 派单 to 签收: a few mostly, sometimes a day or two."""
    return rng.uniform(0.5, 6) if rng.random() < 0.85 else rng.uniform(30, 60)


def draw_rating(rng: random.Random) -> tuple[str, str]:
    """回访's answers (是否解决, 满意度) at the rates of SOLVED and SATISFACTION."""
    solved = pick(rng, SOLVED)
    return solved, pick(rng, SATISFACTION[solved])


def _round(rng: random.Random, at: float, limit_hours: float, steps: list[Step], last: bool) -> float:
    """One handling round from 派单 at `at`: 签收, 办理, maybe 延期, 答复 and 审核; returns the time of 审核."""
    at += accept_delay(rng)
    steps += [(at, "accept", {}), (at + rng.uniform(1, 3), "start", {})]
    answer = at + limit_hours * rng.uniform(0.1, 1.2 if last else 0.6)
    if rng.random() < 0.07:
        steps += [(at + 40, "extend", {"days": rng.choice((3, 5))}),
                  (at + 44, "decide", {"approved": rng.random() < 0.8})]
        answer = max(answer, at + 50)
    if answer > limit_hours:
        steps.append((limit_hours + 2, "chase", {}))
        answer = max(answer, limit_hours + 6)
    steps += [(answer, "reply", {}), (answer + rng.uniform(1, 4), "approve", {})]
    return answer + 4


def _plan_steps(rng: random.Random, request_type: str) -> list[Step]:
    limit_hours = LIMIT_DAYS[request_type] * 24 * 1.4  # working days in calendar hours, roughly
    steps: list[Step] = []
    at = rng.uniform(0.3, 3)
    if rng.random() < 0.08:  # misrouted: 退单 by the wrong department, then the right one
        wrong = rng.choice(WRONG_DEPARTMENTS)
        steps += [(at, "dispatch", {"department": wrong}), (at + rng.uniform(2, 20), "return", {})]
        at = steps[-1][0] + 1
    steps.append((at, "dispatch", {}))
    if rng.random() < STALLED:
        steps += [(at + 2, "accept", {})]
        return steps
    at = _round(rng, at, limit_hours, steps, last=True)
    solved, satisfaction = draw_rating(rng)
    if rng.random() < UNREACHED:
        return steps + [(at, "call", {}), (at + 24, "close", {})]
    steps.append((at, "rate", {"solved": solved, "satisfaction": satisfaction}))
    if (solved == "unsolved" or satisfaction in ("dissatisfied", "very_dissatisfied")) and rng.random() < 0.6:
        steps += [(at + 2, "reopen", {}), (at + 3, "dispatch", {})]
        at = _round(rng, at + 3, limit_hours, steps, last=False)
        steps.append((at, "rate", {"solved": "solved", "satisfaction": pick(rng, SATISFACTION["solved"])}))
    return steps + [(at + rng.uniform(1, 3), "close", {})]


def history_plans(seed: int = SEED, count: int = HISTORY_COUNT, days: int = HISTORY_DAYS) -> list[TicketPlan]:
    rng = random.Random(seed)
    plans = []
    for index in range(count):
        category, request_type, content = MATTERS[rng.randrange(len(MATTERS))]
        days_ago = rng.uniform(1.5, days)
        plans.append(TicketPlan(
            key=f"demo-history:{index:03d}", days_ago=days_ago, request_type=request_type, category=category,
            content=content, address=f"{rng.choice(PLACES)}{rng.randint(1, 300)}号",
            name=rng.choice(SURNAMES) + rng.choice(("先生", "女士")),
            phone=rng.choice(PREFIXES) + f"{rng.randrange(10 ** 8):08d}", steps=_plan_steps(rng, request_type)))
    return plans
