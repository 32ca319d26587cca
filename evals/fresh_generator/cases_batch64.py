"""Batch 64 of the fresh split (ids ``fr-zzl-``): git and GitHub operations. Merge, rebase and
cherry-pick conflicts, the merge queue's rebuild, non-fast-forward and rejected pushes,
protected branches and rulesets (GH006, GH013 for signatures and branch names), tags that
already exist, shallow clones (``git describe``, ``merge-base``), submodules, Git LFS pointers
and budget, GitHub's large-file limit (GH001), CODEOWNERS errors and ``gh`` CLI failures; and
the look-alikes whose root cause is the code (rex) or a secret (cipher).

Run here for real: git against local bare repositories and a local smart-HTTP server, cargo.
Written in the services' own formats: GitHub's GH001/GH006/GH013 remote messages over the real
push, Git LFS's batch API errors, ``gh``'s messages, the CODEOWNERS errors API.
"""

from __future__ import annotations

import real
from cases_github import gh013_push
from fcommon import at, ci, failing, pr_of, rust_setup, sha
from gha import run, uses

APP = "5dlabs/ledgerline"
WEB = "5dlabs/harbor-ui"
OPS = "5dlabs/fleet-ops"
PFX = "fr-zzl-"
TOML = {"Cargo.toml": real.cargo_toml("ledgerline")}

GENV = {
    "GIT_AUTHOR_NAME": "ci-bot",
    "GIT_AUTHOR_EMAIL": "ci@5dlabs.ai",
    "GIT_COMMITTER_NAME": "ci-bot",
    "GIT_COMMITTER_EMAIL": "ci@5dlabs.ai",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}


def build() -> None:
    conflicts()
    pushes()
    shallow_and_submodules()
    lfs()
    platform()


def gsh(
    name: str,
    repo: str,
    files: dict[str, str],
    script: str,
    shown: str,
    more: dict[str, str] | None = None,
) -> real.Out:
    """A bash script of git commands in a scratch dir whose ``origin.git`` stands for GitHub."""
    root = real.RUNS / ("b64-" + name)
    url = f"https://github.com/{repo}.git"
    pre = (
        "set -u\n"
        "export GIT_CONFIG_PARAMETERS=\"'init.defaultbranch=main' 'advice.detachedhead=false' "
        "'color.ui=never' 'protocol.file.allow=always' 'pull.rebase=false'\"\n"
    )
    return real.sh(
        "b64-" + name,
        files,
        pre + script,
        shown,
        env=GENV,
        hosts={
            f"file://{root}/origin.git": url,
            f"{root}/origin.git": url,
            f"{root}/work": str(root),
            **{f"file://{root}/{k}": v for k, v in (more or {}).items()},
        },
    )


def tail_from(out: real.Out, marker: str) -> list[str]:
    i = next(i for i, ln in enumerate(out.lines) if marker in ln)
    return out.lines[i + 1 :]


def checkout(depth: str = "1", lfs: bool = False) -> list:
    inputs = {"fetch-depth": depth}
    if lfs:
        inputs["lfs"] = "true"
    return [uses("actions/checkout@v4", inputs, ["Checking out the ref"])]


# A script that makes origin.git with main and a PR branch that conflict on ``path``.
def two_sides(
    path: str,
    base: str,
    ours: str,
    theirs: str,
    branch: str,
    subjects: tuple[str, str] = ("pr change", "main change"),
) -> str:
    return f"""
git init -q seed && cd seed
mkdir -p $(dirname {path}) && cat > {path} <<'EOF'
{base}EOF
git add -A && git commit -qm initial
git checkout -q -b {branch}
cat > {path} <<'EOF'
{ours}EOF
git commit -qam "{subjects[0]}"
git checkout -q main
cat > {path} <<'EOF'
{theirs}EOF
git commit -qam "{subjects[1]}"
cd .. && git clone -q --bare seed origin.git && rm -rf seed
git clone -q --branch {branch} file://$PWD/origin.git work && cd work
echo '=== step'
"""


# ------------------------------------------------------------------ 1. conflicts


def conflicts() -> None:
    at(APP)
    # obvious: merging main into the PR branch conflicts in docs
    cid = PFX + "merge-main-conflict-docs-obvious"
    base = "# Ledgerline\n\nRun `make dev` to start.\n"
    out = gsh(
        "mergedocs",
        APP,
        {},
        two_sides(
            "docs/setup.md",
            base,
            base.replace("make dev", "just dev"),
            base.replace("make dev", "make dev-up"),
            "docs/just",
            ("docs: switch to just", "docs: rename dev target"),
        )
        + "git merge --no-edit origin/main\n",
        "git merge --no-edit origin/main",
    )
    lines = tail_from(out, "=== step")
    assert out.code != 0 and any("CONFLICT" in ln for ln in lines), out
    ci(
        cid,
        "the job merges main into the PR branch before anything else and stops: `CONFLICT "
        "(content): Merge conflict in docs/setup.md`; both sides edited the same line",
        ["obvious"],
        "atlas",
        "merge_conflict",
        repo=APP,
        workflow="ci",
        job="update-branch",
        steps=[*checkout("0"), failing(real.Out(out.command, lines, out.code), name="Merge main")],
        message="docs: switch to just",
        files=["docs/setup.md"],
        pr=pr_of(cid, "docs: switch to just"),
    )

    # rebase onto main conflicts in Cargo.lock inside a Rust-named job (look-alike)
    cid = PFX + "rebase-conflict-cargo-lock-in-clippy-job"
    lock = (
        "version = 4\n\n[[package]]\n"
        'name = "serde"\nversion = "1.0.210"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
    )
    out = gsh(
        "rebaselock",
        APP,
        {},
        two_sides(
            "Cargo.lock",
            lock,
            lock.replace("1.0.210", "1.0.215"),
            lock.replace("1.0.210", "1.0.214"),
            "deps/serde",
            ("chore(deps): serde 1.0.215", "chore(deps): serde 1.0.214 (#2207)"),
        )
        + "git rebase origin/main\n",
        "git rebase origin/main",
    )
    lines = tail_from(out, "=== step")
    assert out.code != 0 and any("CONFLICT" in ln for ln in lines), out
    ci(
        cid,
        "the clippy job rebases the PR onto main first; `git rebase` stops with `CONFLICT "
        "(content): Merge conflict in Cargo.lock` (both sides bumped serde); clippy never ran, "
        "and nothing is wrong with the Rust code",
        ["look-alike"],
        "atlas",
        "merge_conflict",
        repo=APP,
        workflow="rust",
        job="clippy",
        steps=[
            *checkout("0"),
            *rust_setup(),
            failing(real.Out(out.command, lines, out.code), name="Rebase onto main"),
        ],
        message="chore(deps): serde 1.0.215",
        files=["Cargo.lock"],
        pr=pr_of(cid, "chore(deps): serde 1.0.215"),
    )

    # conflict markers committed in a Rust file: rustc fails on them
    cid = PFX + "conflict-markers-committed-rust-file"
    src = (
        "pub fn fee(amount: u64) -> u64 {\n"
        "<<<<<<< HEAD\n"
        "    amount * 3 / 100\n"
        "=======\n"
        "    amount * 25 / 1000\n"
        ">>>>>>> origin/main\n"
        "}\n"
    )
    out = real.cargo("b64-markers", {"src/lib.rs": src, **TOML}, ["build"])
    assert out.code != 0, out
    ci(
        cid,
        "`cargo build` fails in src/lib.rs on `<<<<<<< HEAD` / `=======` / `>>>>>>> origin/main` "
        "lines: the previous merge of main was committed with its conflict markers still in "
        "the file; the fix is to resolve the conflict (pick the fee formula), a merge left "
        "unfinished rather than a Rust error",
        ["look-alike"],
        "atlas",
        "merge_conflict",
        repo=APP,
        workflow="rust",
        job="build",
        steps=[*checkout(), *rust_setup(), failing(out, name="Build")],
        message="Merge remote-tracking branch 'origin/main' into feat/fees",
        files=["src/lib.rs"],
        pr=pr_of(cid, "feat(fees): tiered fees"),
    )

    # the paired case: a clean auto-merge whose sides no longer compile together (rex)
    cid = PFX + "clean-merge-semantic-break-rust"
    lib = (
        "pub fn settle_fee(amount: u64) -> u64 {\n    amount * 3 / 100\n}\n\n"
        "pub fn invoice_total(amount: u64) -> u64 {\n    amount + fee(amount)\n}\n"
    )
    out = real.cargo("b64-semantic", {"src/lib.rs": lib, **TOML}, ["build"])
    assert out.code != 0, out
    ci(
        cid,
        "after main merged cleanly into the PR branch, `cargo build` fails with E0425 "
        "`cannot find function fee`: main renamed `fee` to `settle_fee` and the PR added "
        "`invoice_total` calling the old name; git reported no conflict, the code has to be "
        "fixed",
        ["look-alike"],
        "rex",
        "rust_build",
        repo=APP,
        workflow="rust",
        job="build",
        steps=[*checkout(), *rust_setup(), failing(out, name="Build")],
        message="Merge remote-tracking branch 'origin/main' into feat/invoices",
        files=["src/lib.rs"],
        pr=pr_of(cid, "feat(invoices): totals"),
    )

    # merge queue: the group's rebuild with another PR fails to compile (rex, context)
    cid = PFX + "merge-queue-group-semantic-break"
    lib = (
        "pub struct Entry {\n    pub cents: i64,\n    pub memo: String,\n}\n\n"
        "pub fn opening() -> Entry {\n    Entry { cents: 0 }\n}\n"
    )
    out = real.cargo("b64-mq", {"src/lib.rs": lib, **TOML}, ["test", "--no-run"])
    assert out.code != 0, out
    ci(
        cid,
        "the merge queue's group build (`gh-readonly-queue/main/pr-...`) fails with E0063 "
        "`missing field memo in initializer of Entry`: the PR ahead in the queue added "
        "`Entry::memo`, this PR adds a constructor without it; each passed alone, the combined "
        "code needs a Rust fix",
        ["look-alike", "context-driven"],
        "rex",
        "rust_build",
        repo=APP,
        workflow="rust",
        job="test",
        branch="gh-readonly-queue/main/pr-2231-" + sha(cid)[:40],
        steps=[*checkout(), *rust_setup(), failing(out, name="Test")],
        message="feat(ledger): opening entry (#2231)",
        files=["src/lib.rs"],
    )

    # backport cherry-pick conflict
    at(OPS)
    cid = PFX + "backport-cherry-pick-conflict"
    vals = "replicas: 2\nimage:\n  tag: 3.1.4\nresources:\n  limits:\n    memory: 512Mi\n"
    out = gsh(
        "cherry",
        OPS,
        {},
        two_sides(
            "charts/gateway/values.yaml",
            vals,
            vals.replace("512Mi", "768Mi"),
            vals.replace("512Mi", "1Gi"),
            "release/3.1",
            ("fix(gateway): 768Mi on 3.1", "fix(gateway): raise memory limit (#412)"),
        )
        + "git cherry-pick -x $(git rev-parse origin/main)\n",
        "git cherry-pick -x ${{ github.event.pull_request.merge_commit_sha }}",
    )
    lines = tail_from(out, "=== step")
    assert out.code != 0 and any("CONFLICT" in ln for ln in lines), out
    ci(
        cid,
        "the backport job cherry-picks the merged PR onto release/3.1 and stops with `CONFLICT "
        "(content): Merge conflict in charts/gateway/values.yaml`; the release branch changed "
        "the same memory limit; a backport conflict in chart values, not a chart error",
        ["look-alike"],
        "atlas",
        "merge_conflict",
        repo=OPS,
        workflow="backport",
        job="backport-release-3.1",
        steps=[*checkout("0"), failing(real.Out(out.command, lines, out.code), name="Cherry-pick")],
        message="fix(gateway): raise memory limit",
        files=["charts/gateway/values.yaml"],
        event="workflow_run",
    )


# ------------------------------------------------------------------ 2. pushes


def remote_reject(cid: str, repo: str, ref: str, message: list[str], reason: str) -> real.Out:
    out = gh013_push("b64-" + cid[-20:], message, reason)
    lines = [
        ln.replace("5dlabs/cto.git", f"{repo}.git").replace("HEAD -> main", f"HEAD -> {ref}")
        for ln in out.lines
    ]
    return real.Out(f"git push origin HEAD:{ref}", lines, out.code)


def pushes() -> None:
    at(WEB)
    # obvious: non-fast-forward push of the generated docs branch
    cid = PFX + "push-non-fast-forward-obvious"
    out = gsh(
        "nonff",
        WEB,
        {},
        """
git init -q seed && cd seed && echo a > index.html && git add -A && git commit -qm one
cd .. && git clone -q --bare seed origin.git && rm -rf seed
git clone -q file://$PWD/origin.git other && git clone -q file://$PWD/origin.git work
(cd other && echo b > index.html && git commit -qam two && git push -q origin main)
cd work && echo c > index.html && git commit -qam "docs: rebuild"
echo '=== step'
git push origin main
""",
        "git push origin main",
    )
    lines = tail_from(out, "=== step")
    assert out.code != 0 and any("rejected" in ln for ln in lines), out
    ci(
        cid,
        "the publish step's `git push origin main` is rejected `(fetch first)`: another run "
        "pushed to main after this job checked out; the remote has work the job does not have",
        ["obvious"],
        "atlas",
        "git_error",
        repo=WEB,
        workflow="docs",
        job="publish",
        steps=[*checkout(), failing(real.Out(out.command, lines, out.code), name="Push")],
        message="docs: rebuild",
        files=["docs/index.md"],
        event="workflow_run",
    )

    # obvious: GH006 protected branch on a version bump push
    at(APP)
    cid = PFX + "gh006-protected-branch-version-bump-obvious"
    out = remote_reject(
        cid,
        APP,
        "main",
        [
            "error: GH006: Protected branch update failed for refs/heads/main.",
            "error: Changes must be made through a pull request.",
        ],
        "protected branch hook declined",
    )
    assert out.code != 0 and any("GH006" in ln for ln in out.lines), out
    ci(
        cid,
        "the release job bumps Cargo.toml's version, commits, and pushes straight to main; the "
        "push is declined: `GH006: Protected branch update failed ... Changes must be made "
        "through a pull request`",
        ["obvious"],
        "atlas",
        "permissions",
        repo=APP,
        workflow="release",
        job="bump-version",
        steps=[
            *checkout(),
            run("cargo set-version --bump minor", ["   Upgrading ledgerline from 0.8.3 to 0.9.0"]),
            run(
                'git commit -am "chore(release): 0.9.0"',
                ["[main 4f1c2ab] chore(release): 0.9.0", " 2 files changed, 2 insertions(+)"],
            ),
            failing(out, name="Push"),
        ],
        message="chore: release workflow",
        files=[".github/workflows/release.yml"],
        event="workflow_run",
    )

    # ruleset: required signed commits
    cid = PFX + "gh013-required-signatures-bot-commit"
    out = remote_reject(
        cid,
        APP,
        "main",
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
            "Review all repository rules at https://github.com/"
            + APP
            + "/rules?ref=refs%2Fheads%2Fmain",
            "",
            "- Commits must have verified signatures.",
            "  Found 1 violation:",
            "",
            "  " + sha(cid)[:40],
            "",
        ],
        "push declined due to repository rule violations",
    )
    assert out.code != 0, out
    ci(
        cid,
        "the changelog bot commits CHANGELOG.md and pushes; a ruleset declines it (`GH013 ... "
        "Commits must have verified signatures`): the commit made with plain `git commit` in "
        "the runner is unsigned; a ruleset rule, not a secret",
        ["look-alike"],
        "atlas",
        "permissions",
        repo=APP,
        workflow="changelog",
        job="update-changelog",
        steps=[
            *checkout(),
            run("npx git-cliff -o CHANGELOG.md", [" INFO  git_cliff > Generating changelog..."]),
            failing(out, name="Commit and push"),
        ],
        message="chore: changelog",
        files=["CHANGELOG.md"],
        event="workflow_run",
    )

    # ruleset: branch name pattern
    at(WEB)
    cid = PFX + "gh013-branch-name-pattern-renovate-ref"
    out = remote_reject(
        cid,
        WEB,
        "Update_Vite",
        [
            "error: GH013: Repository rule violations found for refs/heads/Update_Vite.",
            "Review all repository rules at https://github.com/"
            + WEB
            + "/rules?ref=refs%2Fheads%2FUpdate_Vite",
            "",
            "- Branch name must match a given regex pattern: ^(feat|fix|chore|deps)/[a-z0-9._-]+$",
            "",
        ],
        "push declined due to repository rule violations",
    )
    assert out.code != 0, out
    ci(
        cid,
        "the dependency bump job builds the app with the new Vite, then pushes its branch "
        "`Update_Vite`; a ruleset declines the ref (`Branch name must match a given regex "
        "pattern`); the build passed, the branch name is the problem",
        ["look-alike"],
        "atlas",
        "permissions",
        repo=WEB,
        workflow="deps",
        job="bump-vite",
        steps=[
            *checkout(),
            run(
                "npm install -D vite@6.0.3", ["changed 3 packages, and audited 612 packages in 4s"]
            ),
            run("npm run build", ["vite v6.0.3 building for production...", "✓ built in 3.21s"]),
            failing(out, name="Push branch"),
        ],
        message="chore(deps): vite 6.0.3",
        files=["package.json", "package-lock.json"],
        event="workflow_run",
    )

    # GH001: a large file
    at(OPS)
    cid = PFX + "gh001-large-file-terraform-provider-binary"
    out = remote_reject(
        cid,
        OPS,
        "chore/providers",
        [
            "error: Trace: 5c1e0f7a9b3d2e4f6a8b0c1d2e3f4a5b",
            "error: See https://gh.io/lfs for more information.",
            "error: File infra/.terraform/providers/registry.terraform.io/hashicorp/aws/5.80.0/"
            "linux_amd64/terraform-provider-aws_v5.80.0_x5 is 623.41 MB; this exceeds GitHub's "
            "file size limit of 100.00 MB",
            "error: GH001: Large files detected. You may want to try Git Large File Storage - "
            "https://git-lfs.github.com.",
        ],
        "pre-receive hook declined",
    )
    assert out.code != 0, out
    ci(
        cid,
        "the terraform job's push of its lockfile update is declined with `GH001: Large files "
        "detected`: the commit added `infra/.terraform/` including the 623 MB AWS provider "
        "binary (no .gitignore entry); a file-size limit in a Terraform job",
        ["look-alike"],
        "atlas",
        "git_error",
        repo=OPS,
        workflow="terraform",
        job="providers-lock",
        steps=[
            *checkout(),
            run(
                "terraform -chdir=infra providers lock -platform=linux_amd64",
                [
                    "- Obtained hashicorp/aws checksums for linux_amd64; All checksums for this "
                    "platform were already tracked in the lock file",
                    "Success! Terraform has validated the lock file and found no need for changes.",
                ],
            ),
            failing(out, name="Push"),
        ],
        message="chore(infra): lock providers",
        files=[
            "infra/.terraform.lock.hcl",
            "infra/.terraform/providers/registry.terraform.io/hashicorp/aws/5.80.0/linux_amd64/"
            "terraform-provider-aws_v5.80.0_x5",
        ],
        event="workflow_run",
    )

    # push protection: a secret inside a large fixture (cipher)
    cid = PFX + "gh013-push-protection-secret-in-large-fixture"
    commit = sha(cid)
    out = remote_reject(
        cid,
        OPS,
        "chore/fixtures",
        [
            "error: GH013: Repository rule violations found for refs/heads/chore/fixtures.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Amazon AWS Access Key ID ——————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: tests/fixtures/cloudtrail-2026-10.json:48213",
            "",
            "      —— Amazon AWS Secret Access Key ——————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: tests/fixtures/cloudtrail-2026-10.json:48214",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            f"       https://github.com/{OPS}/security/secret-scanning/unblock-secret/2pQ7xKd0a",
            "",
        ],
        "push declined due to repository rule violations",
    )
    assert out.code != 0, out
    ci(
        cid,
        "a push of a 61 MB CloudTrail export used as a test fixture is declined by push "
        "protection (`GH013 ... Push cannot contain secrets`, an AWS access key pair at "
        "lines 48213-48214); it resembles the large-file rejection but the file is under the "
        "limit and the block is a live credential",
        ["look-alike"],
        "cipher",
        "secret_scanning_alert",
        repo=OPS,
        workflow="fixtures",
        job="refresh-fixtures",
        steps=[*checkout(), failing(out, name="Push")],
        message="test: refresh cloudtrail fixture",
        files=["tests/fixtures/cloudtrail-2026-10.json"],
        event="workflow_run",
    )

    # obvious: tag already exists
    at(APP)
    cid = PFX + "tag-already-exists-obvious"
    out = gsh(
        "tagexists",
        APP,
        {},
        """
git init -q seed && cd seed && echo 1 > VERSION && git add -A && git commit -qm one
git tag v0.9.0 && cd .. && git clone -q --bare seed origin.git
cd seed && echo 2 > VERSION && git commit -qam two && git tag -f v0.9.0 >/dev/null && cd ..
git clone -q file://$PWD/origin.git work && cd work && git fetch -q ../seed main && git reset -q --hard FETCH_HEAD
git tag -f v0.9.0 >/dev/null
echo '=== step'
git push origin v0.9.0
""",
        "git push origin v0.9.0",
    )
    lines = tail_from(out, "=== step")
    assert out.code != 0 and any("already exists" in ln for ln in lines), out
    ci(
        cid,
        "the release job tags v0.9.0 and pushes the tag; the push is rejected `(already "
        "exists)`: v0.9.0 was tagged on an earlier commit by a previous release run",
        ["obvious"],
        "atlas",
        "release_publish",
        repo=APP,
        workflow="release",
        job="tag",
        steps=[*checkout(), failing(real.Out(out.command, lines, out.code), name="Push tag")],
        message="chore(release): 0.9.0",
        files=["Cargo.toml"],
        event="workflow_run",
    )


# ------------------------------------------------------------------ 3. shallow, submodules


def shallow_and_submodules() -> None:
    at(APP)
    cid = PFX + "shallow-clone-git-describe-no-names"
    out = gsh(
        "describe",
        APP,
        {},
        """
git init -q seed && cd seed && echo 1 > a && git add -A && git commit -qm one && git tag -a v0.8.0 -m v0.8.0
echo 2 > a && git commit -qam two && cd .. && git clone -q --bare seed origin.git && rm -rf seed
git clone -q --depth 1 file://$PWD/origin.git work && cd work
echo '=== step'
VERSION=$(git describe --tags --always --dirty --match 'v*' --exact-match 2>&1) || { echo "$VERSION"; exit 128; }
""",
        "VERSION=$(git describe --tags --match 'v*' --exact-match)",
    )
    lines = tail_from(out, "=== step")
    assert out.code != 0, out
    ci(
        cid,
        "the Rust release build stamps its version with `git describe --tags`, which fails "
        "(`fatal: no tag exactly matches ...`) because actions/checkout fetched "
        "one commit and no tags (`fetch-depth: 1`); the build never started",
        ["look-alike"],
        "atlas",
        "git_error",
        repo=APP,
        workflow="release",
        job="build-binaries",
        steps=[
            *checkout(),
            *rust_setup(),
            failing(real.Out(out.command, lines, out.code), name="Version"),
        ],
        message="ci: stamp version from tags",
        files=[".github/workflows/release.yml"],
        event="workflow_run",
    )

    at(WEB)
    cid = PFX + "shallow-merge-base-affected-packages"
    out = gsh(
        "mergebase",
        WEB,
        {},
        """
git init -q seed && cd seed && echo 1 > a && git add -A && git commit -qm one
for i in 2 3 4; do echo $i > a && git commit -qam c$i; done
git checkout -q -b feat/table && echo t > b && git add b && git commit -qm table
cd .. && git clone -q --bare seed origin.git && rm -rf seed
git clone -q --depth 1 --branch feat/table file://$PWD/origin.git work && cd work
git fetch -q --depth 1 origin main:refs/remotes/origin/main
echo '=== step'
BASE=$(git merge-base origin/main HEAD) || { echo "::error::no merge base between origin/main and HEAD"; exit 1; }
""",
        "BASE=$(git merge-base origin/main HEAD)",
    )
    lines = tail_from(out, "=== step")
    assert out.code != 0, out
    ci(
        cid,
        "the affected-packages step of the front-end job runs `git merge-base origin/main "
        "HEAD`, which finds nothing in a depth-1 clone with a depth-1 fetch of main; no "
        "lint or test ran; a history-depth problem",
        ["look-alike"],
        "atlas",
        "git_error",
        repo=WEB,
        workflow="web",
        job="lint-affected",
        steps=[
            *checkout(),
            failing(real.Out(out.command, lines, out.code), name="Affected packages"),
        ],
        message="feat(table): sticky header",
        files=["src/components/Table.tsx"],
        pr=pr_of(cid, "feat(table): sticky header"),
    )

    at(APP)
    cid = PFX + "submodule-pointer-unpushed-commit"
    out = gsh(
        "submod",
        APP,
        {},
        """
git init -q proto && cd proto && echo 'syntax = "proto3";' > ledger.proto && git add -A && git commit -qm p1
cd .. && git clone -q --bare proto proto.git
cd proto && echo '// v2' >> ledger.proto && git commit -qam p2 && cd ..
git init -q app && cd app && echo x > a && git add -A && git commit -qm a
git -c protocol.file.allow=always submodule add -q file://$(dirname $PWD)/proto.git proto 2>/dev/null
cd proto && git fetch -q ../../proto main && git checkout -q FETCH_HEAD && cd ..
git add proto && git commit -qm "bump proto"
cd .. && git clone -q app work && cd work
echo '=== step'
git -c protocol.file.allow=always submodule update --init --recursive
""",
        "git submodule update --init --recursive",
        more={"proto.git": "https://github.com/5dlabs/ledger-proto.git"},
    )
    lines = [ln for ln in tail_from(out, "=== step") if not ln.startswith("fatal: git upload-pack")]
    assert out.code != 0, out
    ci(
        cid,
        "`git submodule update --init` fails for `proto`: the superproject points the "
        "submodule at a commit that was never pushed to the proto repository (`did not "
        "contain ...`); cargo's build script would read the .proto files from it",
        ["look-alike"],
        "atlas",
        "git_error",
        repo=APP,
        workflow="rust",
        job="build",
        steps=[*checkout(), failing(real.Out(out.command, lines, out.code), name="Submodules")],
        message="chore: bump proto submodule",
        files=["proto"],
        pr=pr_of(cid, "chore: bump proto submodule"),
    )


# ------------------------------------------------------------------ 4. LFS


LFS_PTR = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:9b1f3c0e5a7d2b4c6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d\n"
    "size 48213\n"
)

DECODE = """
pub fn is_png(bytes: &[u8]) -> Result<(), String> {
    const SIG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    if bytes.len() < 8 || bytes[..8] != SIG {
        return Err(format!("invalid PNG signature: {:02x?}", &bytes[..bytes.len().min(8)]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn golden_receipt_is_png() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/receipt.png")).unwrap();
        super::is_png(&bytes).unwrap();
    }
}
"""


def lfs() -> None:
    at(APP)
    cid = PFX + "lfs-pointer-read-as-png-fixture"
    out = real.cargo(
        "b64-lfsptr",
        {"src/lib.rs": DECODE, "tests/fixtures/receipt.png": LFS_PTR, **TOML},
        ["test"],
    )
    assert out.code != 0, out
    ci(
        cid,
        "a Rust test fails `invalid PNG signature: [76, 65, 72, 73, ...]` (the bytes of "
        "`version`): the change moved tests/fixtures/*.png to Git LFS via .gitattributes and "
        "the workflow's checkout has no `lfs: true`, so the test reads the pointer file",
        ["look-alike", "context-driven"],
        "atlas",
        "git_error",
        repo=APP,
        workflow="rust",
        job="test",
        steps=[*checkout(), *rust_setup(), failing(out, name="Test")],
        message="chore: track fixtures with LFS",
        files=[".gitattributes", "tests/fixtures/receipt.png"],
        pr=pr_of(cid, "chore: track fixtures with LFS"),
    )

    cid = PFX + "png-check-regression-with-lfs-content"
    bad = DECODE.replace("0x0d, 0x0a, 0x1a, 0x0a", "0x0a, 0x0d, 0x1a, 0x0a")
    out = real.sh(
        "b64-lfsok",
        {"src/lib.rs": bad, **TOML},
        "mkdir -p tests/fixtures && printf '\\211PNG\\r\\n\\032\\nIHDR' > tests/fixtures/receipt.png "
        "&& cargo test",
        "cargo test",
        env={"CARGO_NET_OFFLINE": "true"},
    )
    assert out.code != 0, out
    ci(
        cid,
        "the same PNG fixture test fails with `invalid PNG signature: [89, 50, 4e, 47, 0d, "
        "0a, ...]` - the bytes of a real PNG, fetched by an `lfs: true` checkout; the change "
        "swapped two bytes in the signature constant in src/lib.rs",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        repo=APP,
        workflow="rust",
        job="test",
        steps=[
            uses(
                "actions/checkout@v4",
                {"lfs": "true"},
                [
                    "Fetching LFS objects",
                    "Downloading LFS objects: 100% (3/3), 142 KB | 0 B/s, done.",
                ],
            ),
            *rust_setup(),
            failing(out, name="Test"),
        ],
        message="refactor(receipts): inline PNG signature",
        files=["src/lib.rs"],
        pr=pr_of(cid, "refactor(receipts): inline PNG signature"),
    )

    at(WEB)
    cid = PFX + "lfs-over-bandwidth-quota-storybook"
    ci(
        cid,
        "the Storybook visual job's checkout with `lfs: true` fails: Git LFS's batch API "
        "answers `This repository exceeded its LFS budget`; the organisation's LFS bandwidth "
        "is used up, nothing in the stories changed",
        ["look-alike"],
        "atlas",
        "git_error",
        repo=WEB,
        workflow="visual",
        job="storybook-snapshots",
        steps=[
            uses(
                "actions/checkout@v4",
                {"lfs": "true"},
                [
                    "Fetching LFS objects",
                    "/usr/bin/git lfs fetch origin refs/remotes/pull/881/merge",
                ],
                error=[
                    "batch response: This repository exceeded its LFS budget. The account "
                    "responsible for the budget should increase it to restore access.",
                    "error: failed to fetch some objects from "
                    f"'https://github.com/{WEB}.git/info/lfs'",
                    "##[error]The process '/usr/bin/git' failed with exit code 2",
                ],
            )
        ],
        message="feat(button): ghost variant",
        files=["src/components/Button.stories.tsx", "src/components/Button.tsx"],
        pr=pr_of(cid, "feat(button): ghost variant"),
    )


# ------------------------------------------------------------------ 5. platform: gh, CODEOWNERS


def platform() -> None:
    at(OPS)
    cid = PFX + "codeowners-unknown-team"
    ci(
        cid,
        "the CODEOWNERS check queries GitHub's CODEOWNERS errors API and fails: `Unknown owner "
        "on line 14: make sure @5dlabs/platform-sre exists and has write access to the "
        "repository`; the team was renamed, the charts the line covers are fine",
        ["look-alike"],
        "atlas",
        "permissions",
        repo=OPS,
        workflow="repo-hygiene",
        job="codeowners",
        steps=[
            *checkout(),
            run(
                "gh api repos/${{ github.repository }}/codeowners/errors --jq '.errors[] | "
                '"\\(.path):\\(.line): \\(.message)"\' | tee errors.txt\ntest ! -s errors.txt',
                [
                    ".github/CODEOWNERS:14: Unknown owner on line 14: make sure @5dlabs/platform-sre "
                    "exists and has write access to the repository",
                    "",
                    "  /charts/ingress/ @5dlabs/platform-sre",
                    "                   ^",
                ],
                1,
                name="Validate CODEOWNERS",
            ),
        ],
        message="chore: owners for ingress chart",
        files=[".github/CODEOWNERS"],
        pr=pr_of(cid, "chore: owners for ingress chart"),
    )

    cid = PFX + "gh-cli-no-token-helm-publish"
    ci(
        cid,
        "the Helm chart publish job packages the chart and then `gh release upload` exits 4: "
        "`gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment "
        "variable`; the step's env lost GH_TOKEN in the change, the chart packaged fine",
        ["look-alike"],
        "atlas",
        "permissions",
        repo=OPS,
        workflow="charts",
        job="publish-gateway",
        steps=[
            *checkout(),
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
            run(
                "helm package charts/gateway -d dist",
                ["Successfully packaged chart and saved it to: dist/gateway-3.2.0.tgz"],
            ),
            run(
                "gh release upload gateway-3.2.0 dist/gateway-3.2.0.tgz --clobber",
                [
                    "gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN "
                    "environment variable. Example:",
                    "  env:",
                    "    GH_TOKEN: ${{ github.token }}",
                ],
                4,
                name="Upload chart",
            ),
        ],
        message="ci(charts): split publish steps",
        files=[".github/workflows/charts.yml"],
        event="workflow_run",
    )

    at(WEB)
    cid = PFX + "gh-cli-rate-limit-release-notes"
    ci(
        cid,
        "the release-notes step loops `gh api` over the milestone's pull requests and fails "
        "`HTTP 403: API rate limit exceeded for installation ID 51234907`; the front-end "
        "build earlier in the job passed",
        ["look-alike"],
        "atlas",
        "release_publish",
        repo=WEB,
        workflow="release",
        job="release-notes",
        steps=[
            *checkout(),
            run("npm run build", ["vite v6.0.3 building for production...", "✓ built in 4.02s"]),
            run(
                "node scripts/release-notes.mjs --milestone 2.7",
                [
                    "fetched 100 pull requests (page 1)",
                    "fetched 100 pull requests (page 2)",
                    "gh: API rate limit exceeded for installation ID 51234907. If you reach out to "
                    "GitHub Support for help, please include the request ID "
                    "C3A1:2F0B:8E41D2:90A7C3:674A3B21 and timestamp 2026-11-02 09:14:33 UTC. "
                    "(HTTP 403)",
                    "Error: Command failed: gh api repos/5dlabs/harbor-ui/pulls/1742/reviews",
                    "    at checkExecSyncError (node:child_process:890:11)",
                    "    at execSync (node:child_process:962:15)",
                    "    at file:///home/runner/work/harbor-ui/harbor-ui/scripts/release-notes.mjs:31:18",
                    "",
                    "Node.js v20.20.2",
                ],
                1,
                name="Release notes",
            ),
        ],
        message="chore(release): 2.7.0",
        files=["package.json"],
        event="workflow_run",
    )
