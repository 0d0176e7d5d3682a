"""workflow.yaml's transitions, limits and 回访 section: read, validated, every problem reported."""
import pytest

from submit.workflow_config import WORKFLOW_FILE, WorkflowConfigError, read_workflow, workflow

STATES = WORKFLOW_FILE.read_text(encoding="utf-8").split("\ntransitions:")[0]


def test_the_shipped_transitions_cover_the_12345_process():
    flow = workflow()
    assert list(flow.transitions) == [
        "dispatch", "accept", "start", "reply", "approve", "send_back", "close", "return", "request_extension",
        "decide_extension", "chase", "reopen", "merge", "mark_invalid", "follow_up_call", "note"]
    dispatch = flow.transition("dispatch")
    assert dispatch.sources == {"received", "returned", "reopened"} and dispatch.target == "dispatched"
    assert dispatch.notify == "dispatched" and dispatch.public and not dispatch.reason_required
    assert flow.transition("return").reason_required and flow.transition("reply").note_required
    assert flow.transition("merge").sources == {code for code, state in flow.states.items() if not state.terminal}
    assert flow.transition("note").sources == set(flow.states)
    assert flow.transition("chase").target is None  # the ticket keeps its state
    assert "analyst" not in set().union(*(step.roles for step in flow.transitions.values()))
    assert flow.limits.return_within_workdays == 2 and flow.limits.extension_max_workdays == 10
    assert flow.rating_states == {"follow_up", "closed"}
    with pytest.raises(KeyError, match="unknown workflow action"):
        flow.transition("fly")
    names = [flow.event_name(kind) for kind in ("created", "dispatched", "returned", "extension_decided", "rated")]
    assert names == ["受理", "派单", "退单", "延期审批", "评价"]


def test_every_problem_of_the_transitions_is_reported(tmp_path):
    path = tmp_path / "workflow.yaml"
    path.write_text(STATES + """
transitions:
  - {action: dispatch, name: 派单, from: [received, nowhere], to: dispatched, roles: [agent]}
  - {action: Bad-Action, name: '', from: open, to: limbo, roles: [janitor], reason: maybe, public: yes-ish}
  - {action: approve, name: 审核, from: any, to: closed, roles: [agent], notify: fax}
  - {action: close, name: 办结, from: any, to: closed, roles: [agent]}
  - {action: close, name: 办结, from: any, to: closed, roles: [admin]}
limits:
  return_within_workdays: -1
  chase_overdue_only: 3
  coffee_breaks: 2
follow_up:
  rating_states: [closed, heaven]
""", encoding="utf-8")
    with pytest.raises(WorkflowConfigError) as failure:
        read_workflow(path)
    problems = "\n".join(failure.value.problems)
    for expected in ("transition 'dispatch': from must be", "'Bad-Action': action missing", "name must be non-empty",
                     "to 'limbo' is not a listed state", "roles must be", "reason must be required or optional",
                     "public must be true or false", "notify must be one of", "'close': listed twice",
                     "return_within_workdays must be ≥ 0", "chase_overdue_only must be true or false",
                     "unknown limit 'coffee_breaks'", "rating_states must be"):
        assert expected in problems, expected


def test_a_file_without_transitions_still_reads_with_default_limits(tmp_path):
    path = tmp_path / "workflow.yaml"
    path.write_text(STATES, encoding="utf-8")
    flow = read_workflow(path)
    assert flow.transitions == {} and flow.limits.citizen_reopen_within_days == 30
