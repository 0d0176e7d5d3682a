import pytest

from submit.workflow_config import WORKFLOW_FILE, WorkflowConfigError, read_workflow, workflow


def test_shipped_workflow_names_every_step_of_the_12345_process():
    flow = workflow()
    assert flow.initial == "received" and flow.state("received").name == "受理"
    assert flow.state("received").public_name == "已受理"
    staff_names = {state.name for state in flow.states.values()}
    for step in ("受理", "已派单", "已签收", "办理中", "已答复待审核", "待回访", "办结", "退单待重派", "已合并",
                 "无效"):
        assert step in staff_names, step
    assert flow.terminal == {"closed", "merged", "invalid"}
    assert all(state.public_name for state in flow.states.values())
    with pytest.raises(KeyError, match="unknown ticket status"):
        flow.state("lost")


def test_unknown_sections_are_kept_for_later_readers(tmp_path):
    path = tmp_path / "workflow.yaml"
    path.write_text(WORKFLOW_FILE.read_text(encoding="utf-8")
                    + "\nescalation:\n  - {after: 3, to: supervisor}\n", encoding="utf-8")
    flow = read_workflow(path)
    assert flow.raw["escalation"][0]["to"] == "supervisor"
    assert list(flow.states) == list(workflow().states)


def test_a_broken_file_reports_every_problem(tmp_path):
    path = tmp_path / "workflow.yaml"
    path.write_text("initial: received\nstates:\n"
                    "  - {code: received, name: 受理, public_name: '', terminal: false}\n"
                    "  - {code: received, name: 重复, public_name: 重复, terminal: maybe}\n"
                    "  - {code: Bad-Code, name: x, public_name: y, terminal: true}\n", encoding="utf-8")
    with pytest.raises(WorkflowConfigError) as failure:
        read_workflow(path)
    problems = "\n".join(failure.value.problems)
    assert "public_name" in problems and "duplicate" in problems and "terminal must be" in problems
    assert "'Bad-Code'" in problems


CLOSED = "{code: closed, name: 办结, public_name: 已办结, terminal: true}"
OPEN = "{code: open, name: 受理, public_name: 已受理, terminal: false}"


@pytest.mark.parametrize("text", [f"initial: closed\nstates:\n  - {CLOSED}\n",
                                  f"initial: nowhere\nstates:\n  - {OPEN}\n", "- just a list\n", "states: [\n"])
def test_initial_state_must_be_a_listed_open_state(tmp_path, text):
    path = tmp_path / "workflow.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkflowConfigError):
        read_workflow(path)
