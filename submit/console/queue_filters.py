"""What the queue page is asked for: its tabs (groups of workflow states) and the filters read from
the query string, tolerant of nonsense (a value that makes no sense is dropped, never an error)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

from staff.models import StaffUser
from submit.models import CHANNELS
from submit.workflow_config import workflow

SORTS = {"deadline": "办理时限最近在前", "received": "最新受理在前", "updated": "最近更新在前"}
DUE = {"overdue": "已超期", "soon": "1 个工作日内到期"}
CHANNEL_NAMES = {"wechat": "微信", "h5": "网页表单", "phone": "电话", "open311": "接口", "proactive": "主动治理"}
assert tuple(CHANNEL_NAMES) == CHANNELS
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Tab:
    code: str
    label: str
    statuses: frozenset[str] | None  # None: every status


# The hotline's work is grouped by what it must do next; a department's by what it must do next.
# States come from submit/workflow.yaml; a state named here but missing there is left out, and a state
# in no tab is still listed under 全部 and in the status filter.
HOTLINE_TABS = (("dispatch", "待派单", ("received", "returned", "reopened")),
                ("handling", "处理中", ("dispatched", "accepted", "in_progress")),
                ("review", "待审核", ("replied",)), ("follow_up", "待回访", ("follow_up",)),
                ("done", "已办结", "terminal"), ("all", "全部", None))
DEPARTMENT_TABS = (("sign", "待签收", ("dispatched",)), ("handling", "办理中", ("accepted", "in_progress")),
                   ("answered", "已答复", ("replied", "follow_up")), ("done", "已办结", "terminal"),
                   ("all", "全部", None))


def is_department(staff: StaffUser) -> bool:
    return staff.role == "handler"


def tabs_for(staff: StaffUser) -> tuple[Tab, ...]:
    config = workflow()
    tabs = []
    for code, label, statuses in DEPARTMENT_TABS if is_department(staff) else HOTLINE_TABS:
        if statuses == "terminal":
            statuses = config.terminal
        tabs.append(Tab(code, label, None if statuses is None else frozenset(statuses) & set(config.states)))
    return tuple(tabs)


def default_tab(staff: StaffUser) -> str:
    """Where each role starts: agents at 待派单, departments at 待签收, the others at 全部."""
    return tabs_for(staff)[0].code if staff.role in ("agent", "handler") else "all"


@dataclass(frozen=True)
class QueueFilters:
    tab: str = "all"
    status: str = ""  # one workflow state: overrides the tab
    type: str = ""  # request type code
    category: str = ""  # category code: that node and everything below it
    department: str = ""  # department code: that unit and its sub-units (主办)
    channel: str = ""
    due: str = ""  # overdue | soon
    mine: bool = False
    confidential: bool = False
    chased: bool = False
    q: str = ""
    sort: str = "deadline"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str], staff: StaffUser) -> QueueFilters:
        tabs = {tab.code for tab in tabs_for(staff)}
        page = args.get("page", "")
        return cls(
            tab=args.get("tab", "") if args.get("tab") in tabs else default_tab(staff),
            status=args.get("status", "") if args.get("status") in workflow().states else "",
            type=args.get("type", "").strip()[:32],
            category=args.get("category", "").strip()[:16],
            department="" if is_department(staff) else args.get("department", "").strip()[:32],
            channel=args.get("channel", "") if args.get("channel") in CHANNELS else "",
            due=args.get("due", "") if args.get("due") in DUE else "",
            mine=args.get("mine") == "1",
            confidential=args.get("confidential") == "1",
            chased=args.get("chased") == "1",
            q=" ".join(args.get("q", "").split())[:100],
            sort=args.get("sort", "") if args.get("sort") in SORTS else "deadline",
            page=int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1,
        )

    def query_args(self, **changes) -> dict[str, str]:
        """The query string of these filters with `changes`; the tab is always kept (its default
        depends on the role), other defaults are left out so URLs stay short."""
        values = asdict(replace(self, **changes))
        default = asdict(QueueFilters())
        return {name: ("1" if value is True else str(value)) for name, value in values.items()
                if name == "tab" or value != default[name]}

    @property
    def narrowed(self) -> bool:
        """Any filter or search besides the tab, the sort and the page."""
        return bool(self.query_args(tab="all", sort="deadline", page=1).keys() - {"tab"})
