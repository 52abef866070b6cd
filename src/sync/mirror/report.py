"""Tell people what a sync did: stdout lines, warnings, Actions outputs and the job summary."""

from __future__ import annotations

from collections.abc import Sequence

from sync.actions_runtime import Runtime
from sync.mirror.sync import Outcome


def report_outcomes(
    runtime: Runtime, outcomes: Sequence[Outcome], *, dry_run: bool, title: str
) -> None:
    """Print each change line, warn, set the outputs and append the summary."""
    seen: set[str] = set()
    lines: list[str] = []
    for outcome in outcomes:
        for line in outcome.lines:
            if line not in seen:
                seen.add(line)
                lines.append(line)
        for warning in outcome.warnings:
            if warning not in seen:
                seen.add(warning)
                runtime.warning(warning)
    for line in lines:
        runtime.out(line)
    first = outcomes[0]
    for outcome in outcomes:
        if outcome.skip_reason:
            runtime.info(f"nothing to do: {outcome.skip_reason}")
    if not lines and not first.skip_reason:
        runtime.info(f"{first.target.repo}#{first.target.number}: Asana is up to date")
    runtime.set_output("action", first.action)
    runtime.set_output("asana_task_gid", first.task_gid or "")
    runtime.set_output("changes", str(len(lines)))
    runtime.summary(_summary(outcomes, lines, dry_run, title))


_WOULD = frozenset({"created", "updated", "completed", "deleted"})


def _summary(outcomes: Sequence[Outcome], lines: list[str], dry_run: bool, title: str) -> str:
    first = outcomes[0]
    head = f"### CSH sync ({title}){' — dry run' if dry_run else ''}"
    # The `action` output keeps the contract's values; the summary says what would happen.
    action = f"would be {first.action}" if dry_run and first.action in _WOULD else first.action
    parts = [head, "", f"**{first.target.repo}#{first.target.number}**: {action}"]
    if first.task_gid:
        parts[-1] += f" (Asana task {first.task_gid})"
    if lines:
        parts += ["", *[f"- {line}" for line in lines]]
    warnings = [w for o in outcomes for w in o.warnings]
    if warnings:
        parts += ["", "**Warnings**", *[f"- {w}" for w in dict.fromkeys(warnings)]]
    return "\n".join(parts)
