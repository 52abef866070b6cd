"""The emulated Asana, spoken to over real HTTP with the official ``asana`` SDK.

Every request a test sends and every answer the emulator gives passes through a checker that
validates them against Asana's OpenAPI description (``asana_conformance``): an answer that does
not fit, or a request the document refuses that the emulator accepted, fails the test.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asana
import pytest
from asana.rest import ApiException

from sync.emulator.asana_api import AsanaService
from sync.emulator.asana_state import AsanaState
from sync.emulator.core import ApiError, Emulator, Request, Response

try:
    from tests.emulator import asana_conformance as conformance
except ImportError:  # tests/ is not a package: pytest put this directory on sys.path
    import asana_conformance as conformance  # type: ignore[no-redef]

PREFIX = "/asana/api/1.0"
TOKEN = "1/1209000000000000:secret"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class CheckedAsana:
    """Wraps the service: validates each request and answer against Asana's OpenAPI document."""

    name = "asana"

    def __init__(self, service: AsanaService) -> None:
        self.service = service
        self.problems: list[str] = []
        self.checked = 0

    def auth_error(self) -> Response:
        return self.service.auth_error()

    def handle(self, request: Request) -> Response:
        try:
            response = self.service.handle(request)
        except ApiError as err:
            response = Response(err.status, err.body)
        self._check(request, response)
        return response

    def _check(self, request: Request, response: Response) -> None:
        self.checked += 1
        try:
            self._validate(request, response)
        except Exception as exc:  # a broken check must fail the test, not the connection
            self.problems.append(f"checker failed on {request.method} {request.path}: {exc!r}")

    def _validate(self, request: Request, response: Response) -> None:
        try:
            conformance.match_path(request.path)
        except conformance.ConformanceError:
            return  # a path Asana does not have: the emulator's 404 is all there is to check
        body = _json_or_raw(request.body)
        try:
            conformance.validate_request_body(request.method, request.path, body)
            conformance.validate_query(request.method, request.path, request.query)
        except conformance.ConformanceError as err:
            if response.status < 400:
                self.problems.append(f"accepted a request the OAS refuses: {err}")
        try:
            conformance.validate_response_body(
                request.method, request.path, response.status, response.body
            )
        except conformance.ConformanceError as err:
            self.problems.append(str(err))
        if request.path == "/batch" and response.status == 200:
            self._check_batch(body, response.body)

    def _check_batch(self, body: Any, answer: Any) -> None:
        for action, result in zip(body["data"]["actions"], answer["data"], strict=True):
            try:
                conformance.validate_response_body(
                    action["method"].upper(),
                    action["relative_path"],
                    result["status_code"],
                    result["body"],
                )
            except conformance.ConformanceError as err:
                self.problems.append(f"batch action: {err}")


def _json_or_raw(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body


@dataclass
class World:
    """A seeded Asana behind a running emulator, and SDK clients for it."""

    state: AsanaState
    emulator: Emulator
    checker: CheckedAsana
    clock: FakeClock
    client: Any
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def tasks(self) -> Any:
        return asana.TasksApi(self.client)

    def raw(self, method: str, path: str, body: Any = None, token: str | None = TOKEN) -> Any:
        """Send one request without the SDK; return (status, parsed body)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.emulator.url + PREFIX + path, data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")


def _seed(state: AsanaState) -> dict[str, str]:
    ids: dict[str, str] = {}
    ids["ws"] = state.add_workspace("Example Org")
    ids["me"] = state.add_user("bot@example.org", "Sync Bot", ids["ws"], token=TOKEN)
    ids["octocat"] = state.add_user("octocat@example.org", "Octo Cat", ids["ws"])
    ids["csh"] = state.add_project("Community Success Hours", ids["ws"])
    ids["other"] = state.add_project("Other", ids["ws"])
    ids["url"] = state.add_custom_field(ids["ws"], "GitHub URL", "text")
    ids["hours"] = state.add_custom_field(ids["ws"], "GitHub Hours", "number", precision=1)
    ids["prio"] = state.add_custom_field(ids["ws"], "Priority", "enum", ["High", "Low"])
    for key in ("url", "hours", "prio"):
        state.add_field_to_project(ids["csh"], ids[key])
    ids["community"] = state.add_task("Example University: CSH", projects=[ids["csh"]])
    return ids


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Emulator, CheckedAsana]]:
    """One emulator for the module (stopping one takes half a second); each test swaps state."""
    checker = CheckedAsana(AsanaService(AsanaState()))
    emulator = Emulator([(PREFIX, checker)], tokens={"asana": {TOKEN}}).start()
    try:
        yield emulator, checker
    finally:
        emulator.stop()


@pytest.fixture
def world(server: tuple[Emulator, CheckedAsana]) -> Iterator[World]:
    emulator, checker = server
    clock = FakeClock()
    state = AsanaState(clock=clock)
    ids = _seed(state)
    checker.service, checker.problems, checker.checked = AsanaService(state), [], 0
    emulator.reset_log()
    emulator.clear_faults()
    configuration = asana.Configuration()
    configuration.access_token = TOKEN
    configuration.host = emulator.url + PREFIX
    yield World(state, emulator, checker, clock, asana.ApiClient(configuration), ids)
    assert checker.problems == [], "\n".join(checker.problems)


def _error(exc: pytest.ExceptionInfo[ApiException]) -> str:
    body = json.loads(exc.value.body)
    assert set(body) == {"errors"}
    return str(body["errors"][0]["message"])


def _create(world: World, **data: Any) -> dict[str, Any]:
    result: dict[str, Any] = world.tasks.create_task({"data": data}, {})
    return result


# -- creating tasks with custom fields -----------------------------------------------------------
def test_create_task_with_custom_fields_in_project(world: World) -> None:
    ids, state = world.ids, world.state
    high = state.enum_option_gid(ids["prio"], "High")
    values = {ids["url"]: "https://github.com/o/r/issues/1", ids["hours"]: 2.5, ids["prio"]: high}
    task = _create(world, name="Fix login", projects=[ids["csh"]], custom_fields=values)
    assert task["resource_type"] == "task" and task["name"] == "Fix login"
    shown = {f["name"]: f["display_value"] for f in task["custom_fields"]}
    assert shown == {"GitHub URL": values[ids["url"]], "GitHub Hours": "2.5", "Priority": "High"}
    assert state.custom_field_value(task["gid"], "GitHub Hours") == 2.5
    assert state.custom_field_value(task["gid"], ids["prio"]) == "High"
    assert [p["gid"] for p in task["projects"]] == [ids["csh"]]
    assert task["memberships"][0]["project"]["gid"] == ids["csh"]


def test_custom_field_values_are_checked_by_type(world: World) -> None:
    ids = world.ids
    low_of_other_field = world.state.add_custom_field(ids["ws"], "Size", "enum", ["S"])
    option = world.state.enum_option_gid(low_of_other_field, "S")
    for gid, value in ((ids["hours"], "2"), (ids["url"], 3), (ids["prio"], option)):
        with pytest.raises(ApiException) as exc:
            _create(world, name="x", projects=[ids["csh"]], custom_fields={gid: value})
        assert exc.value.status == 400 and gid in _error(exc)
    task = _create(world, name="x", projects=[ids["csh"]], custom_fields={ids["hours"]: 3})
    world.tasks.update_task({"data": {"custom_fields": {ids["hours"]: None}}}, task["gid"], {})
    assert world.state.custom_field_value(task["gid"], ids["hours"]) is None


def test_a_field_of_no_project_of_the_task_is_refused(world: World) -> None:
    ids = world.ids
    with pytest.raises(ApiException) as exc:
        _create(world, name="x", projects=[ids["other"]], custom_fields={ids["hours"]: 1})
    assert exc.value.status == 400
    assert _error(exc) == f"Custom field with ID {ids['hours']} is not on given object"


def test_subtask_cannot_take_project_fields_until_added_to_the_project(world: World) -> None:
    ids, tasks = world.ids, world.tasks
    parent = _create(world, name="Parent", projects=[ids["csh"]])
    body = {"data": {"name": "Child", "custom_fields": {ids["hours"]: 1}}}
    with pytest.raises(ApiException) as exc:
        tasks.create_subtask_for_task(body, parent["gid"], {})
    assert exc.value.status == 400 and "is not on given object" in _error(exc)
    child = tasks.create_subtask_for_task({"data": {"name": "Child"}}, parent["gid"], {})
    assert child["projects"] == [] and child["memberships"] == [] and child["custom_fields"] == []
    assert child["parent"]["gid"] == parent["gid"]
    update = {"data": {"custom_fields": {ids["hours"]: 1.5}}}
    with pytest.raises(ApiException) as exc:
        tasks.update_task(update, child["gid"], {})
    assert exc.value.status == 400
    tasks.add_project_for_task({"data": {"project": ids["csh"]}}, child["gid"])
    updated = tasks.update_task(update, child["gid"], {"opt_fields": "custom_fields.number_value"})
    assert {"gid": ids["hours"], "number_value": 1.5} in updated["custom_fields"]


def test_a_subtask_created_with_projects_is_in_them_from_its_creation(world: World) -> None:
    ids = world.ids
    fields = {ids["hours"]: 1.5}
    child = _create(
        world, name="Child", parent=ids["community"], projects=[ids["csh"]], custom_fields=fields
    )
    assert [p["gid"] for p in child["projects"]] == [ids["csh"]]
    assert child["parent"]["gid"] == ids["community"]
    assert [t.gid for t in world.state.subtasks_of(ids["community"])] == [child["gid"]]
    assert child["gid"] in [t.gid for t in world.state.tasks_in_project(ids["csh"])]


def test_an_api_that_drops_projects_on_a_subtask_create_refuses_its_custom_fields(
    world: World,
) -> None:
    ids = world.ids
    world.state.subtask_create_drops_projects = True
    child = _create(world, name="Child", parent=ids["community"], projects=[ids["csh"]])
    assert child["projects"] == []
    with pytest.raises(ApiException) as exc:
        _create(
            world,
            name="Child",
            parent=ids["community"],
            projects=[ids["csh"]],
            custom_fields={ids["hours"]: 1.5},
        )
    assert exc.value.status == 400


def test_remove_project_takes_the_task_out(world: World) -> None:
    ids = world.ids
    task = _create(world, name="x", projects=[ids["csh"], ids["other"]])
    world.tasks.remove_project_for_task({"data": {"project": ids["other"]}}, task["gid"])
    assert world.state.task(task["gid"]).projects == [ids["csh"]]


# -- rich text -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "notes"),
    [
        ("<body>plain</body>", "plain"),
        (
            "<body><strong>b</strong> <em>i</em> <u>u</u> <s>s</s> <code>c</code></body>",
            "b i u s c",
        ),
        (
            "<body><ul><li>one</li><li>two</li></ul><ol><li>three</li></ol></body>",
            "one\ntwo\nthree",
        ),
        ('<body><a href="https://example.org/x?a=1&amp;b=2">link</a></body>', "link"),
        ('<body><a href="https://app.asana.com/0/0/1" data-asana-gid="1">t</a></body>', "t"),
        ("<body><h1>Title</h1><h2>Sub</h2>text<hr/></body>", "Title\nSub\ntext"),
        ("<body><blockquote>q</blockquote><pre>x = 1\ny</pre></body>", "q\nx = 1\ny"),
        ("<body>&lt;tag&gt; &amp; &quot;q&quot; &#169; &#x2603;</body>", '<tag> & "q" © ☃'),
        ("<body>line one\nline two</body>", "line one\nline two"),
        ("<body></body>", ""),
    ],
)
def test_html_notes_asana_accepts(world: World, html: str, notes: str) -> None:
    task = _create(world, name="x", workspace=world.ids["ws"], html_notes=html)
    fetched = world.tasks.get_task(task["gid"], {"opt_fields": "notes,html_notes"})
    assert fetched == {"gid": task["gid"], "notes": notes, "html_notes": html}


@pytest.mark.parametrize(
    ("html", "complaint"),
    [
        ("<body><p>para</p></body>", "<p>"),
        ("<body>a<br/>b</body>", "<br>"),
        ("<body><h3>deep</h3></body>", "<h3>"),
        ("<body><table><tr><td>1</td></tr></table></body>", "<table>"),
        ('<body><img src="x.png"/></body>', "<img>"),
        ("<body><strong>open</body>", "XML is invalid"),
        ("plain text", "XML is invalid"),
        ("<strong>no body</strong>", "<body> must be the root"),
        ("<body>a</body><body>b</body>", "XML is invalid"),
        ("<body><body>nested</body></body>", "<body>"),
        ('<body><a href="x" onclick="evil()">a</a></body>', "onclick"),
        ('<body><strong class="x">a</strong></body>', "class"),
        ("<body>non&nbsp;breaking</body>", "XML is invalid"),
        ("<body>fish & chips</body>", "XML is invalid"),
        ('<!DOCTYPE body [<!ENTITY x "y">]><body>&x;</body>', "DOCTYPE"),
    ],
)
def test_html_notes_asana_refuses(world: World, html: str, complaint: str) -> None:
    with pytest.raises(ApiException) as exc:
        _create(world, name="x", workspace=world.ids["ws"], html_notes=html)
    assert exc.value.status == 400
    message = _error(exc)
    assert message.startswith("html_notes: ") and complaint in message


def test_notes_and_html_notes_together_are_refused(world: World) -> None:
    with pytest.raises(ApiException) as exc:
        _create(world, name="x", workspace=world.ids["ws"], notes="a", html_notes="<body>a</body>")
    assert exc.value.status == 400


def test_plain_notes_become_escaped_rich_text(world: World) -> None:
    task = _create(world, name="x", workspace=world.ids["ws"], notes="a < b & c")
    fetched = world.tasks.get_task(task["gid"], {"opt_fields": "html_notes"})
    assert fetched["html_notes"] == "<body>a &lt; b &amp; c</body>"


# -- compact and full records, opt_fields --------------------------------------------------------
COMPACT_TASK = {"gid", "resource_type", "name", "resource_subtype"}


def test_lists_answer_compact_records(world: World) -> None:
    listed = list(world.tasks.get_tasks_for_project(world.ids["csh"], {}))
    assert [set(t) for t in listed] == [COMPACT_TASK]
    projects = list(asana.ProjectsApi(world.client).get_projects({"workspace": world.ids["ws"]}))
    assert all(set(p) == {"gid", "resource_type", "name"} for p in projects)
    users = list(asana.UsersApi(world.client).get_users({"workspace": world.ids["ws"]}))
    assert {u["name"] for u in users} == {"Sync Bot", "Octo Cat"} and "email" not in users[0]


def test_single_reads_answer_full_records_without_opt_in_fields(world: World) -> None:
    task = world.tasks.get_task(world.ids["community"], {})
    for key in ("notes", "completed", "assignee", "parent", "projects", "memberships"):
        assert key in task
    for key in ("custom_fields", "created_at", "modified_at", "due_on", "start_on", "workspace"):
        assert key in task
    assert task["permalink_url"] == f"https://app.asana.com/0/0/{task['gid']}"
    assert "actual_time_minutes" in task
    assert "html_notes" not in task and "num_subtasks" not in task  # [Opt In] in the OAS
    assert {f["name"] for f in task["custom_fields"]} == {"GitHub URL", "GitHub Hours", "Priority"}


def test_opt_fields_select_dotted_paths(world: World) -> None:
    ids = world.ids
    child = _create(world, name="Child", parent=ids["community"])
    world.tasks.add_project_for_task({"data": {"project": ids["csh"]}}, child["gid"])
    fields = "custom_fields.gid,custom_fields.display_value,memberships.project.name,parent.gid"
    task = world.tasks.get_task(child["gid"], {"opt_fields": fields})
    assert task == {
        "gid": child["gid"],
        "custom_fields": [
            {"gid": ids["url"], "display_value": None},
            {"gid": ids["hours"], "display_value": None},
            {"gid": ids["prio"], "display_value": None},
        ],
        "memberships": [{"project": {"gid": ids["csh"], "name": "Community Success Hours"}}],
        "parent": {"gid": ids["community"]},
    }


def test_opt_fields_shape_lists_and_accept_this_and_groups(world: World) -> None:
    ids = world.ids
    opts = {"opt_fields": "this.(name|num_subtasks),assignee,workspace.name"}
    listed = list(world.tasks.get_tasks_for_project(ids["csh"], opts))
    workspace = {"gid": ids["ws"], "name": "Example Org"}
    expected = {"gid": ids["community"], "name": "Example University: CSH", "num_subtasks": 0}
    assert listed == [{**expected, "assignee": None, "workspace": workspace}]
    world.tasks.update_task({"data": {"assignee": "me"}}, ids["community"], {})
    bare = world.tasks.get_task(ids["community"], {"opt_fields": "assignee"})
    assert bare["assignee"] == {"gid": ids["me"], "resource_type": "user", "name": "Sync Bot"}


def test_custom_field_settings_are_compact_until_asked(world: World) -> None:
    api = asana.CustomFieldSettingsApi(world.client)
    compact = list(api.get_custom_field_settings_for_project(world.ids["csh"], {}))
    assert [set(s) for s in compact] == [{"gid", "resource_type"}] * 3
    opts = {"opt_fields": "custom_field.name,custom_field.type,custom_field.enum_options.name"}
    asked = list(api.get_custom_field_settings_for_project(world.ids["csh"], opts))
    assert [s["custom_field"]["type"] for s in asked] == ["text", "number", "enum"]
    options = [o["name"] for o in asked[2]["custom_field"]["enum_options"]]
    assert options == ["High", "Low"]


def test_custom_fields_users_and_workspaces_read(world: World) -> None:
    ids = world.ids
    fields = asana.CustomFieldsApi(world.client)
    one = fields.get_custom_field(ids["hours"], {})
    assert one["type"] == "number" and one["precision"] == 1
    listed = list(fields.get_custom_fields_for_workspace(ids["ws"], {}))
    assert [f["name"] for f in listed] == ["GitHub URL", "GitHub Hours", "Priority"]
    me = asana.UsersApi(world.client).get_user("me", {})
    assert me["gid"] == ids["me"] and me["email"] == "bot@example.org"
    assert me["workspaces"] == [
        {"gid": ids["ws"], "resource_type": "workspace", "name": "Example Org"}
    ]
    workspaces = list(asana.WorkspacesApi(world.client).get_workspaces({}))
    assert [w["gid"] for w in workspaces] == [ids["ws"]]
    members = asana.UsersApi(world.client).get_users_for_workspace(ids["ws"], {})
    assert [u["name"] for u in members] == ["Octo Cat", "Sync Bot"]  # sorted, unpaginated
    project = asana.ProjectsApi(world.client).get_project(ids["csh"], {})
    assert len(project["custom_field_settings"]) == 3


# -- pagination ----------------------------------------------------------------------------------
def _many_tasks(world: World, count: int) -> list[str]:
    return [world.state.add_task(f"T{i}", projects=[world.ids["other"]]) for i in range(count)]


def test_pagination_over_250_tasks(world: World) -> None:
    gids = _many_tasks(world, 250)
    listed = list(world.tasks.get_tasks_for_project(world.ids["other"], {"limit": 100}))
    assert [t["gid"] for t in listed] == gids
    paged = [r for r in world.emulator.requests if r.path.endswith("/tasks")]
    assert len(paged) == 3
    status, first = world.raw("GET", f"/projects/{world.ids['other']}/tasks?limit=100")
    assert status == 200 and len(first["data"]) == 100
    next_page = first["next_page"]
    assert set(next_page) == {"offset", "path", "uri"}
    assert next_page["uri"] == world.emulator.url + PREFIX + next_page["path"]
    status, last = world.raw("GET", next_page["path"].replace("limit=100", "limit=100") + "")
    assert status == 200 and last["data"][0]["gid"] == gids[100]


def test_the_last_page_has_a_null_next_page(world: World) -> None:
    _many_tasks(world, 3)
    status, page = world.raw("GET", f"/projects/{world.ids['other']}/tasks?limit=5")
    assert status == 200 and page["next_page"] is None and len(page["data"]) == 3


@pytest.mark.parametrize("limit", ["101", "0", "-1", "ten"])
def test_a_limit_outside_1_to_100_is_refused(world: World, limit: str) -> None:
    status, body = world.raw("GET", f"/projects/{world.ids['csh']}/tasks?limit={limit}")
    assert status == 400 and body["errors"][0]["message"].startswith("limit: ")


def test_an_offset_asana_did_not_issue_is_refused(world: World) -> None:
    _many_tasks(world, 5)
    other = world.ids["other"]
    status, body = world.raw("GET", f"/projects/{other}/tasks?limit=2&offset=eyJmb28iOjF9")
    assert status == 400
    assert body["errors"][0]["message"] == "offset: Your pagination token is invalid."
    _, first = world.raw("GET", f"/projects/{other}/tasks?limit=2")
    token = first["next_page"]["offset"]
    status, _ = world.raw("GET", f"/projects/{world.ids['csh']}/tasks?limit=2&offset={token}")
    assert status == 400


def test_an_unpaginated_list_over_1000_is_refused(world: World) -> None:
    _many_tasks(world, 1001)
    status, body = world.raw("GET", f"/projects/{world.ids['other']}/tasks")
    assert status == 400 and "use pagination" in body["errors"][0]["message"]


# -- parents ---------------------------------------------------------------------------------------
def test_set_parent_moves_orders_and_detaches(world: World) -> None:
    ids, tasks = world.ids, world.tasks
    a = _create(world, name="A", parent=ids["community"])["gid"]
    b = _create(world, name="B", parent=ids["community"])["gid"]
    top = _create(world, name="Top", workspace=ids["ws"])["gid"]
    moved = tasks.set_parent_for_task(
        {"data": {"parent": ids["community"], "insert_before": a}}, top, {}
    )
    assert moved["parent"]["gid"] == ids["community"] and moved["name"] == "Top"
    assert [t.gid for t in world.state.subtasks_of(ids["community"])] == [top, a, b]
    tasks.set_parent_for_task({"data": {"parent": ids["community"], "insert_after": b}}, top, {})
    assert [t.gid for t in world.state.subtasks_of(ids["community"])] == [a, b, top]
    tasks.set_parent_for_task({"data": {"parent": None}}, top, {})
    assert world.state.task(top).parent is None
    assert [t["gid"] for t in tasks.get_subtasks_for_task(ids["community"], {})] == [a, b]


@pytest.mark.parametrize("case", ["self", "descendant", "unknown", "missing", "bad_sibling"])
def test_set_parent_refusals(world: World, case: str) -> None:
    ids = world.ids
    child = _create(world, name="C", parent=ids["community"])["gid"]
    data = {
        "self": {"parent": ids["community"]},
        "descendant": {"parent": child},
        "unknown": {"parent": "1299999999999999"},
        "missing": {"insert_before": child},
        "bad_sibling": {"parent": child, "insert_before": ids["community"]},
    }[case]
    target = child if case == "bad_sibling" else ids["community"]
    if case == "bad_sibling":
        target = _create(world, name="D", workspace=ids["ws"])["gid"]
    status, body = world.raw("POST", f"/tasks/{target}/setParent", {"data": data})
    assert status == 400, body


# -- deletion --------------------------------------------------------------------------------------
def test_a_deleted_task_answers_404_afterwards(world: World) -> None:
    ids = world.ids
    task = _create(world, name="Doomed", projects=[ids["csh"]])["gid"]
    child = _create(world, name="Child", parent=task)["gid"]
    world.tasks.delete_task(task)
    assert {task, child} <= world.state.deleted
    for gid in (task, child):
        with pytest.raises(ApiException) as exc:
            world.tasks.get_task(gid, {})
        assert exc.value.status == 404 and _error(exc) == f"task: Unknown object: {gid}"
    status, _ = world.raw("PUT", f"/tasks/{task}", {"data": {"name": "again"}})
    assert status == 404
    listed = [t["gid"] for t in world.tasks.get_tasks_for_project(ids["csh"], {})]
    assert task not in listed


def test_unknown_and_malformed_gids(world: World) -> None:
    status, body = world.raw("GET", "/tasks/1299999999999999")
    assert status == 404 and body["errors"][0]["message"].startswith("task: Unknown object")
    status, body = world.raw("GET", "/tasks/not-a-gid")
    assert status == 400 and "Not a recognized ID" in body["errors"][0]["message"]
    status, body = world.raw("GET", "/no/such/route")
    assert status == 404 and body["errors"][0]["message"] == "No matching route for request"
    status, body = world.raw("POST", "/tasks", {"data": {"name": "x", "projects": ["1299"]}})
    assert status == 400 and body["errors"][0]["message"] == "projects: [0]: Unknown object: 1299"


# -- dates -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        {"start_on": "2026-03-01"},
        {"start_on": "2026-03-05", "due_on": "2026-03-05"},
        {"start_on": "2026-03-06", "due_on": "2026-03-05"},
        {"due_on": "2026/03/05"},
        {"due_on": "2026-02-30"},
        {"due_on": "2026-03-05", "due_at": "2026-03-05T10:00:00.000Z"},
    ],
)
def test_dates_asana_refuses(world: World, data: dict[str, Any]) -> None:
    with pytest.raises(ApiException) as exc:
        _create(world, name="x", workspace=world.ids["ws"], **data)
    assert exc.value.status == 400


def test_start_on_with_due_on_and_later_changes(world: World) -> None:
    task = _create(
        world, name="x", workspace=world.ids["ws"], start_on="2026-03-01", due_on="2026-03-05"
    )
    assert (task["start_on"], task["due_on"]) == ("2026-03-01", "2026-03-05")
    gid = task["gid"]
    status, _ = world.raw("PUT", f"/tasks/{gid}", {"data": {"due_on": "2026-02-27"}})
    assert status == 400  # the due date may not fall on or before the start date
    status, _ = world.raw("PUT", f"/tasks/{gid}", {"data": {"start_on": None}})
    assert status == 400  # unsetting start_on also needs due_on in the request
    body = {"data": {"start_on": None, "due_on": "2026-02-27"}}
    status, answer = world.raw("PUT", f"/tasks/{gid}", body)
    assert status == 200 and answer["data"]["start_on"] is None


# -- assignees, properties, bodies ---------------------------------------------------------------
def test_assignee_by_gid_email_or_me(world: World) -> None:
    ids = world.ids
    for ref, expected in (
        (ids["octocat"], ids["octocat"]),
        ("octocat@example.org", ids["octocat"]),
        ("me", ids["me"]),
    ):
        task = _create(world, name="x", workspace=ids["ws"], assignee=ref)
        assert task["assignee"]["gid"] == expected
    with pytest.raises(ApiException) as exc:
        _create(world, name="x", workspace=ids["ws"], assignee="nobody@example.org")
    assert exc.value.status == 400
    assert _error(exc) == "assignee: Not a user in Organization: nobody@example.org"


@pytest.mark.parametrize(
    ("method", "body", "message"),
    [
        (
            "POST",
            {"data": {"name": "x", "workspace": "W", "colour": "red"}},
            "not a valid property",
        ),
        (
            "POST",
            {"data": {"name": "x", "workspace": "W", "gid": "1"}},
            "gid: Cannot write this property",
        ),
        ("PUT", {"data": {"projects": ["1"]}}, "projects: Cannot write this property"),
        ("PUT", {"name": "x"}, "Unrecognized request field 'name'"),
        ("POST", {"data": {"name": "x"}}, "You should specify one of workspace, parent, projects"),
        ("PUT", {"data": {"completed": "yes"}}, "completed: "),
    ],
)
def test_bodies_asana_refuses(
    world: World, method: str, body: dict[str, Any], message: str
) -> None:
    if "workspace" in body.get("data", {}):
        body["data"]["workspace"] = world.ids["ws"]
    path = "/tasks" if method == "POST" else f"/tasks/{world.ids['community']}"
    status, answer = world.raw(method, path, body)
    assert status == 400 and message in answer["errors"][0]["message"]


def test_invalid_json_is_refused(world: World) -> None:
    request = urllib.request.Request(
        world.emulator.url + PREFIX + "/tasks", b"{not json", method="POST"
    )
    request.add_header("Authorization", f"Bearer {TOKEN}")
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(request)
    assert exc.value.code == 400
    assert json.loads(exc.value.read())["errors"][0]["message"] == (
        "Could not parse request data, invalid JSON"
    )


def test_update_changes_only_what_was_sent_and_completes(world: World) -> None:
    ids = world.ids
    task = _create(
        world, name="x", projects=[ids["csh"]], notes="keep", custom_fields={ids["hours"]: 2}
    )
    done = world.tasks.update_task({"data": {"completed": True}}, task["gid"], {})
    assert done["completed"] is True and done["completed_at"] == "2026-03-02T09:00:00.000Z"
    assert (
        done["notes"] == "keep" and world.state.custom_field_value(task["gid"], ids["hours"]) == 2
    )


def test_listing_tasks_needs_one_filter_and_honours_completed_since(world: World) -> None:
    status, body = world.raw("GET", "/tasks")
    assert status == 400 and body["errors"][0]["message"].startswith("Must specify exactly one of")
    done = _create(world, name="done", projects=[world.ids["csh"]], completed=True)["gid"]
    open_ = [
        t["gid"]
        for t in world.tasks.get_tasks({"project": world.ids["csh"], "completed_since": "now"})
    ]
    assert done not in open_ and world.ids["community"] in open_
    mine = list(world.tasks.get_tasks({"assignee": "me", "workspace": world.ids["ws"]}))
    assert mine == []


# -- stories ---------------------------------------------------------------------------------------
def test_comments_are_stories(world: World) -> None:
    stories = asana.StoriesApi(world.client)
    gid = world.ids["community"]
    story = stories.create_story_for_task({"data": {"text": "Hello"}}, gid, {})
    assert story["text"] == "Hello" and story["created_by"]["gid"] == world.ids["me"]
    rich = {"data": {"html_text": "<body>Hi <strong>there</strong></body>"}}
    assert stories.create_story_for_task(rich, gid, {})["text"] == "Hi there"
    listed = list(stories.get_stories_for_task(gid, {}))
    assert [s["text"] for s in listed] == ["Hello", "Hi there"]
    assert set(listed[0]) == {
        "gid",
        "resource_type",
        "created_at",
        "created_by",
        "resource_subtype",
        "text",
    }


# -- search ----------------------------------------------------------------------------------------
def _search(world: World, workspace: str, query: dict[str, str]) -> list[dict[str, Any]]:
    return list(world.tasks.search_tasks_for_workspace(workspace, query))


def test_search_needs_premium(world: World) -> None:
    with pytest.raises(ApiException) as exc:
        _search(world, world.ids["ws"], {"text": "CSH"})
    assert exc.value.status == 402
    assert _error(exc) == "Search is only available to premium users."


def test_search_lags_behind_writes(world: World) -> None:
    ids, state = world.ids, world.state
    state.premium, state.search_lag_seconds = True, 30
    url_filter = f"custom_fields.{ids['url']}.value"
    url = "https://github.com/o/r/issues/7"
    task = _create(world, name="New", projects=[ids["csh"]], custom_fields={ids["url"]: url})
    query = {url_filter: url}
    assert _search(world, ids["ws"], query) == []
    world.clock.advance(31)
    found = _search(world, ids["ws"], query)
    assert [t["gid"] for t in found] == [task["gid"]] and set(found[0]) == COMPACT_TASK
    world.tasks.update_task({"data": {"custom_fields": {ids["url"]: None}}}, task["gid"], {})
    assert len(_search(world, ids["ws"], query)) == 1  # stale index
    world.clock.advance(31)
    assert _search(world, ids["ws"], query) == []


def test_search_finds_seeded_tasks_at_once_and_drops_deleted_ones(world: World) -> None:
    world.state.premium = True
    found = _search(world, world.ids["ws"], {"text": "university"})
    assert [t["gid"] for t in found] == [world.ids["community"]]
    world.tasks.delete_task(world.ids["community"])
    assert _search(world, world.ids["ws"], {"text": "university"}) == []


# -- batch -----------------------------------------------------------------------------------------
def test_batch_runs_each_action(world: World) -> None:
    ids = world.ids
    actions = [
        {
            "relative_path": f"/tasks/{ids['community']}",
            "method": "get",
            "options": {"fields": ["name"]},
        },
        {
            "relative_path": "/tasks",
            "method": "post",
            "data": {"name": "B", "workspace": ids["ws"]},
        },
        {"relative_path": "/tasks/1299999999999999", "method": "get"},
    ]
    batch = asana.BatchAPIApi(world.client)
    results = list(batch.create_batch_request({"data": {"actions": actions}}, {}))
    assert [r["status_code"] for r in results] == [200, 201, 404]
    assert results[0]["body"]["data"] == {
        "gid": ids["community"],
        "name": "Example University: CSH",
    }
    assert results[1]["body"]["data"]["name"] == "B"


def test_batch_of_more_than_10_actions_is_refused(world: World) -> None:
    action = {"relative_path": f"/tasks/{world.ids['community']}", "method": "get"}
    batch = asana.BatchAPIApi(world.client)
    with pytest.raises(ApiException) as exc:
        list(batch.create_batch_request({"data": {"actions": [action] * 11}}, {}))
    assert exc.value.status == 400 and "10" in _error(exc)


# -- authorization ---------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "wrong"])
def test_requests_without_a_valid_token_are_401(world: World, token: str | None) -> None:
    status, body = world.raw("GET", "/users/me", token=token)
    assert status == 401 and body["errors"][0]["message"] == "Not Authorized"
    conformance.validate_response_body("GET", "/users/me", status, body)
    configuration = asana.Configuration()
    configuration.access_token = token or ""
    configuration.host = world.emulator.url + PREFIX
    with pytest.raises(ApiException) as exc:
        asana.UsersApi(asana.ApiClient(configuration)).get_user("me", {})
    assert exc.value.status == 401


# -- the conformance checker itself ----------------------------------------------------------------
def test_every_exchange_was_checked_against_the_oas(world: World) -> None:
    _create(world, name="x", projects=[world.ids["csh"]])
    assert world.checker.checked >= 1
    assert conformance.validate_recorded_requests(world.emulator.requests) >= 1


def test_conformance_matches_paths_and_flags_what_asana_refuses() -> None:
    assert conformance.match_path("/tasks/123/setParent") == "/tasks/{task_gid}/setParent"
    assert conformance.match_path("/asana/api/1.0/users/me?x=1") == "/users/{user_gid}"
    conformance.validate_request_body(
        "POST", "/tasks", {"data": {"name": "x", "custom_fields": {"1": 2}}}
    )
    conformance.validate_request_body("POST", "/tasks/1/setParent", {"data": {"parent": None}})
    for body in (
        {"data": {"name": 1}},
        {"data": {"nam": "x"}},
        {"data": {"gid": "1"}},
        {"data": {}, "extra": 1},
    ):
        with pytest.raises(conformance.ConformanceError):
            conformance.validate_request_body("POST", "/tasks", body)
    with pytest.raises(conformance.ConformanceError):
        conformance.validate_response_body("POST", "/tasks", 200, {"data": {}})  # create is 201
    with pytest.raises(conformance.ConformanceError):
        conformance.validate_response_body("GET", "/tasks/1", 200, {"data": {"invented": 1}})
    schema = conformance.request_schema("PUT", "/tasks/{task_gid}")
    assert schema is not None and "components" in schema


def test_conformance_checks_opt_fields_and_typed_query_parameters() -> None:
    fine = {"opt_fields": "custom_fields.gid,this.(name|notes),memberships.project.name"}
    conformance.validate_query("GET", "/tasks/1", fine)
    conformance.validate_query("GET", "/projects/1/tasks", {"limit": ["100"], "unknown": ["x"]})
    for query in ({"opt_fields": "custom_field.display_value"}, {"opt_fields": "nmae"}):
        with pytest.raises(conformance.ConformanceError, match="not a field"):
            conformance.validate_query("GET", "/tasks/1", query)
    with pytest.raises(conformance.ConformanceError):
        conformance.validate_query("GET", "/projects/1/tasks", {"limit": "101"})


def test_time_tracking_entries_of_a_task(world: World) -> None:
    """Compact entries, as Asana lists them; the task's actual time is their sum."""
    state, ids = world.state, world.ids
    task = state.add_task("Logged by hand", parent=ids["community"], actual_time_minutes=30)
    state.add_time_entry(task, 45, date(2026, 2, 27))
    api = asana.TimeTrackingEntriesApi(world.client)
    listed = list(api.get_time_tracking_entries_for_task(task, {}))
    assert [(e["entered_on"], e["duration_minutes"]) for e in listed] == [
        ("2026-03-02", 30),  # seeded actual time: one entry on the day it was logged
        ("2026-02-27", 45),
    ]
    assert set(listed[0]) == {
        "gid",
        "resource_type",
        "duration_minutes",
        "entered_on",
        "created_by",
    }  # a subtask in no project: attributed to none
    assert listed[0]["resource_type"] == "time_tracking_entry"
    assert (
        world.tasks.get_task(task, {"opt_fields": "actual_time_minutes"})["actual_time_minutes"]
        == 75
    )
    picked = api.get_time_tracking_entries_for_task(task, {"opt_fields": "entered_on"})
    assert [set(e) for e in picked] == [{"gid", "entered_on"}] * 2
    in_project = state.add_task("Mirrored", projects=[ids["csh"]])
    state.add_time_entry(in_project, 10, date(2026, 3, 1))
    [entry] = api.get_time_tracking_entries_for_task(in_project, {})
    assert entry["attributable_to"]["gid"] == ids["csh"]
    status, body = world.raw("GET", f"/tasks/{ids['community']}9/time_tracking_entries")
    assert status == 404 and "Unknown object" in body["errors"][0]["message"]
