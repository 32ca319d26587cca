"""A publish that failed: the release job's, or the package's own manifest's.

A registry refusing a token or an existing version is the release's; crates.io refusing a
crate for the fields its manifest lacks, cargo refusing a path dependency without a version
and a chart released again under an unchanged version are the package's owner's; npm's
provenance needing the job's ``id-token`` permission is the workflow's.
"""

from __future__ import annotations

from healer_agent.models import Agent, FailureType, RoutingDecision
from healer_agent.routing.prerouter import PreRouter
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import ctx, incident

ROUTER = PreRouter()
PUBLISHED = "error: failed to publish api v0.1.0 to registry at https://crates.io"


def _decide(command: str, lines: list[str], files: tuple[str, ...]) -> RoutingDecision:
    return ROUTER.decide(
        incident("release", "publish"), ctx(gh_log((command, lines)), "publish", files)
    )


def test_a_crate_refused_for_its_manifests_missing_fields_is_the_crates() -> None:
    refused = [
        PUBLISHED,
        "",
        "Caused by:",
        "  the remote server responded with an error (status 400 Bad Request): missing or empty "
        "metadata fields: description, license.",
    ]
    decision = _decide("cargo publish -p api", refused, ("crates/api/Cargo.toml",))
    assert (decision.agent, decision.failure_type) == (Agent.REX, FailureType.RUST_BUILD)
    exists = [
        PUBLISHED,
        "",
        "Caused by:",
        "  the remote server responded with an error: crate version `0.1.0` is already uploaded",
    ]
    decision = _decide("cargo publish -p api", exists, ("crates/api/Cargo.toml",))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.RELEASE_PUBLISH)


def test_a_path_dependency_without_a_version_is_the_workspaces() -> None:
    lines = [
        "error: failed to verify manifest at `/home/runner/work/w/w/crates/cli/Cargo.toml`",
        "",
        "Caused by:",
        "  all dependencies must have a version requirement specified when publishing.",
        "  dependency `route` does not specify a version",
    ]
    decision = _decide("cargo publish -p cli", lines, ("crates/cli/Cargo.toml",))
    assert (decision.agent, decision.failure_type) == (Agent.REX, FailureType.RUST_DEPS)


def test_a_chart_released_again_under_its_old_version_is_the_charts() -> None:
    lines = [
        "Packaging chart 'charts/api'...",
        "Error: error creating GitHub release api-0.9.2: POST https://api.github.com/repos/o/"
        "charts/releases: 422 Validation Failed [{Resource:Release Field:tag_name "
        "Code:already_exists Message:}]",
    ]
    decision = _decide("helm/chart-releaser-action@v1.7.0", lines, ("charts/api/values.yaml",))
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.HELM)


def test_npm_provenance_without_the_id_token_permission_is_the_workflows() -> None:
    lines = [
        "npm error code EUSAGE",
        'npm error Provenance generation in GitHub Actions requires "write" access to the '
        '"id-token" permission',
    ]
    files = (".github/workflows/release.yml", "package.json")
    decision = _decide("npm publish --provenance", lines, files)
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)
