"""The emulated GitHub REST API: GraphQL hand-off, the viewer, repositories and pull requests."""

from __future__ import annotations

from sync.emulator import github_json as js
from sync.emulator.core import Request, Response
from sync.emulator.github_rest_issues import IssueHandlers
from sync.emulator.github_rest_requests import _choice, _live, not_found, paginate, sort_issues


class RepoHandlers(IssueHandlers):
    """The viewer, repository and pull request endpoints of the REST service (and ``/graphql``)."""

    # -- GraphQL, user, repository -------------------------------------------------------------
    def post_graphql(self, request: Request) -> Response:
        """``POST /graphql``: handed to the GraphQL service."""
        if self.graphql is None:
            raise not_found()
        return self.graphql(request)

    def get_viewer(self, request: Request) -> Response:
        """``GET /user``: the account the token belongs to."""
        user = self.state.add_user(self.viewer)
        owned = sum(1 for repo in self.state.repos.values() if repo.owner == user.login)
        data = js.user_json(user, request.base_url)
        data.update(name=user.name, company=None, blog="", location=None, email=None, bio=None)
        data.update(public_repos=owned, public_gists=0, followers=0, following=0)
        data.update(created_at=js.REPO_CREATED_AT, updated_at=js.REPO_CREATED_AT)
        return Response(200, data)

    def get_repo(self, request: Request, owner: str, repo: str) -> Response:
        """``GET /repos/{owner}/{repo}``."""
        found = self._repo(owner, repo)
        data = js.repo_json(self.state, found, request.base_url)
        permissions = {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True}
        data.update(permissions=permissions, network_count=0, subscribers_count=0)
        account = self.state.add_user(found.owner)
        if account.type == "Organization":
            data["organization"] = js.user_json(account, request.base_url)
        return Response(200, data)

    def get_permission(self, request: Request, owner: str, repo: str, login: str) -> Response:
        """``GET /repos/{owner}/{repo}/collaborators/{username}/permission``: the user's role
        (``role_name``: admin, maintain, write, triage, read) and its legacy ``permission``
        (triage reads as ``read``, maintain as ``write``); anyone may read a public repo."""
        found = self._repo(owner, repo)
        user = self.state.users.get(login.lower())
        if user is None:
            raise not_found()
        role = self.state.role_of(found, user.login) or ("none" if found.private else "read")
        legacy = {"maintain": "write", "triage": "read"}.get(role, role)
        data = {"permission": legacy, "role_name": role}
        return Response(200, {**data, "user": js.user_json(user, request.base_url)})

    # -- pull requests -------------------------------------------------------------------------
    def list_pulls(self, request: Request, owner: str, repo: str) -> Response:
        """``GET /repos/{owner}/{repo}/pulls`` (``state``, ``sort``, ``direction``)."""
        name = self._repo(owner, repo).full_name
        pulls = [p for p in self.state.issues.values() if p.repo == name and p.is_pull]
        wanted = _choice(request, "state", ("open", "closed", "all"), "open")
        pulls = [p for p in pulls if wanted in ("all", p.state) and _live(p)]
        sorts = ("created", "updated", "popularity", "long-running")
        pulls = sort_issues(request, pulls, sorts, desc_for=("created",))
        base = request.base_url
        return paginate(request, pulls, lambda p: js.pull_json(self.state, p, base, detail=False))

    def get_pull(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET /repos/{owner}/{repo}/pulls/{number}``."""
        pull = self.state.issues.get((self._repo(owner, repo).full_name, int(number)))
        if pull is None or not pull.is_pull or not _live(pull):
            raise not_found()
        return Response(200, js.pull_json(self.state, pull, request.base_url))
