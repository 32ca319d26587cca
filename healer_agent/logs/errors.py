"""Error-line detectors for the tools CI runs here (pure).

Each detector names its tool, so the excerpt can say what failed and the pre-router can
weigh the line. ``GENERIC`` hits (``##[error]Process completed…``) mark where a step
ended, not why; the "first real error" is the first non-generic hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from healer_agent.logs.patternset import Matcher

_DETECTORS: tuple[tuple[str, str], ...] = (
    (
        "clippy",
        r"^error: .*\n?.*clippy::|#\[deny\(clippy::|= help: for further information "
        r"visit https://rust-lang\.github\.io/rust-clippy",
    ),
    ("rustfmt", r"^Diff in .*\.rs|^Diff in /"),
    (
        "cargo-test",
        r"^test result: FAILED|^failures:$|panicked at |^---- .* stdout ----$|"
        r"^error: test failed|^error: \d+ targets? failed",
    ),
    (
        "cargo",
        r"^error: failed to (?:select|load|parse|download|get)|^error: no matching package|"
        r"^error: failed to run custom build|"
        # cargo's retries of a registry that did not answer: why a resolution failed
        r"^warning: spurious network error|"
        # a registry's answer to a publish, under ``Caused by:``
        r"^\s*the remote server responded with an error",
    ),
    ("cargo-audit", r"^error: \d+ vulnerabilit|^Crate: |^ID:\s+RUSTSEC-|RUSTSEC-\d{4}-\d{4}"),
    # a supply-chain scanner's verdict on a package (Socket, OpenSSF's malicious packages)
    ("supply-chain", r"\b(?:Known malware|[Pp]ossible typosquat|[Mm]alicious (?:package|code))\b"),
    # cargo-deny's diagnostics (licenses, bans, sources, advisories) and its summary
    (
        "cargo-deny",
        r"^error\[(?:rejected|banned|unlicensed|duplicate|source-not-allowed|not-allowed|"
        r"unmatched-[a-z-]+|vulnerability|unmaintained|unsound|yanked|unexpected-keys)\]: |"
        r"\b(?:advisories|bans|licenses|sources) FAILED\b",
    ),
    # rustc's diagnostics; a bare "error: " is any tool's and falls to the generic detector
    (
        "rustc",
        r"^error\[E\d{4}\]: |^error: could not compile|^error: aborting due to|"
        r"^error: (?:unused|unnecessary|unreachable|mismatched|cannot find|expected |"
        r"no (?:method|field|function|variant)|use of |unresolved |missing |this |"
        r"casting|variable|value|borrow|lifetime|function|struct|field|method|"
        r"unknown (?:lint|feature)|(?:the )?trait|type annotations|linking with)",
    ),
    ("osv-scanner", r"^\d+ vulnerabilit(?:y|ies) found|osv\.dev/(?:GHSA|RUSTSEC|PYSEC|GO|CVE)-"),
    # zizmor's summary of a workflow audit that found something (the findings above it
    # are rustc-shaped, ``error[dangerous-triggers]: ...``)
    ("zizmor", r"^\d+ findings?(?: \([^)]*\))?: \d+ (?:unknown|informational)"),
    # GitHub's dependency review action: its verdict on the change's new dependencies
    ("dependency-review", r"^Dependency review found \d+ vulnerable packages?"),
    (
        "npm-audit",
        r"[Ff]ound \d+ (?:low|moderate|high|critical|known)? ?(?:severity )?"
        r"vulnerabilit|"
        r"^# npm audit report|Severity: (?:high|critical)",
    ),
    (
        "npm",
        r"^npm (?:ERR!|error) |^[ \u2009]?ERR_PNPM_|^error Command failed|^\u2009?ERR!|"
        r"^(?:\u27a4 )?YN\d{4}: .*(?:[Ee]rror|failed)",
    ),
    ("tsc", r"error TS\d{4,5}: |^Found \d+ errors?|^Type error: "),
    ("lockfile-lint", r"^detected invalid \w+(?:\(s\))? for package"),
    # ASCII only: one non-ASCII character (changesets' butterfly) slows the whole set's DFA
    ("changesets", r"no changesets were found"),
    # a summary of warnings only is no failure, unless --max-warnings said so
    (
        "eslint",
        r"^\s+\d+:\d+\s+error\s|\d+ problems? \([1-9]\d* errors?|"
        r"ESLint found too many warnings",
    ),
    (
        "vitest",
        r"^\s*(?:FAIL|\u00d7|\u2717|\u276f) .*(?:test|spec)\.[jt]sx?|"
        r"^\s*Test Files\s+\d+ failed|^\s*Tests\s+\d+ failed|AssertionError: |"
        r"^Tests:\s+\d+ failed",
    ),
    (
        "vite",
        r"error during build|^\[vite\]|Build failed with \d+ errors?|^Failed to compile|"
        r"Module not found: |Could not resolve ",
    ),
    (
        "docker",
        r"ERROR: failed to solve|^#\d+ ERROR|failed to build|executor failed running|"
        r"^ERROR \[.*\]|failed to compute cache key|dockerfile parse error|"
        r"^Error response from daemon: ",
    ),
    # apt inside an image or on the runner: a mirror that did not answer, a missing package
    (
        "apt",
        r"^[EW]: (?:Failed to fetch|Unable to fetch|Some index files failed to download|"
        r"Unable to locate package|Package '?\S+'? has no installation candidate)|"
        # the reason under an ``Err:`` line for a mirror whose name did not resolve
        r"^\s+Temporary failure resolving '",
    ),
    # the runner's step script calling a program its image does not have
    ("shell", r"^/\S+/_temp/\S+\.sh: line \d+: \S+: command not found"),
    # an archive cut short (a truncated download or cache)
    (
        "archive",
        r"Unexpected EOF in archive|gzip: stdin: (?:unexpected end of file|not in gzip format)",
    ),
    # a system library the build needs and the machine lacks
    (
        "system-library",
        r"was not found in the pkg-config search path|"
        r"Could not find directory of OpenSSL installation|"
        r"^\s*(?:/usr/bin/)?ld(?:\.\w+)?: cannot find -l[\w+-]+|"
        # rust-lld's wording (rustc's default linker on x86_64 Linux), under rustc's notes
        r"rust-lld: error: unable to find library -l[\w+-]+|"
        r"linker `\w+` not found",
    ),
    ("hadolint", r"\bDL\d{4}\b.*|^.*:\d+ (?:DL|SC)\d{4} (?:error|warning)"),
    (
        "helm",
        r"^Error: (?:INSTALLATION|UPGRADE) FAILED|^Error: .*chart|^\[ERROR\] |"
        r"template: .*: error|^Error: parse error|^Error: YAML parse error",
    ),
    (
        "kubectl",
        r"^error: timed out waiting for the condition|^error: deployment \"\S+\" exceeded|"
        r"^error: error validating|^error: unable to recognize|^The \S+ \"\S+\" is "
        r"invalid|^error: error parsing|^Error from server|strict decoding error|"
        r"unknown field \"|evalsymlink failure|trouble configuring builtin \w+|"
        # RBAC's refusal names who was refused what (the line above it only says Forbidden)
        r"is forbidden: User \"[^\"]+\" cannot \w+ resource",
    ),
    ("yamllint", r"^\s+\d+:\d+\s+error\s|\.ya?ml:\d+:\d+: \[error\] "),
    # a YAML parser's own words (libyaml, serde_yaml), whichever tool read the file
    (
        "yaml",
        r"did not find expected |while parsing a (?:block|flow) (?:collection|mapping)|"
        r"mapping values are not allowed in this context|"
        r"found character that cannot start any token",
    ),
    # check-jsonschema: the file and the JSON path of each schema error
    ("jsonschema", r"^Schema validation errors were encountered|^\s+\S+::\$\S*: "),
    # promtool: a rule file that does not load, and why
    (
        "promtool",
        r"^\s*FAILED:$|: group \"[^\"]*\", rule \d+, |could not parse expression",
    ),
    (
        "argocd",
        r"ComparisonError|OutOfSync|sync failed|health is Degraded|"
        r"SyncError|application .* (?:is )?(?:Degraded|Missing)",
    ),
    ("actionlint", r"\.github/workflows/\S+\.ya?ml:\d+:\d+: "),
    (
        "git",
        r"^CONFLICT \(|Automatic merge failed|^ ! \[rejected\]|^! \[rejected\]|"
        r"^error: failed to push|^fatal: |^remote: Permission to \S+ denied|"
        r"^error: Your local changes|^hint: Updates were rejected|^remote: (?:error|fatal): |"
        r"^remote: .*(?:PUSH PROTECTION|Push cannot contain secrets)|"
        r"^ ?! \[remote rejected\]|^git: '[\w-]+' is not a git command|"
        # a Git LFS pointer read where the file's content was expected
        r"git-lfs\.github\.com/spec/v1",
    ),
    (
        "http",
        r"\b(?:401|403) (?:Unauthorized|Forbidden)|Bad credentials|"
        r"Resource not accessible by integration|denied: |unauthorized: |token rejected|"
        r"got 40[13]\b|Username and password required|rate limit exceeded|"
        # the GitHub CLI's errors: the API's answer after the command's words
        r"\bGraphQL: |^HTTP [45]\d\d: |^\S.* failed: HTTP [45]\d\d|"
        # a registry's API error body (OCI distribution): its refusal in its own code
        r"\"code\": ?\"(?:UNAUTHORIZED|DENIED)\"",
    ),
    ("logrus", r"^(?:FATA|ERRO|PANI)\[\d+\] "),
    # zerolog's console lines (gitleaks and other Go tools): a clock time, then the level
    ("zerolog", r"^\d{1,2}:\d\d[AP]M (?:ERR|FTL) |^\d{1,2}:\d\d[AP]M WRN leaks found: [1-9]"),
    # GitHub refusing a job its environment's protection rules do not admit (a branch the
    # environment does not allow, a reviewer's rejection)
    (
        "environment",
        r"is not allowed to deploy to \S+ due to environment protection rules|"
        r"[Tt]he deployment was rejected or didn.t satisfy other protection rules",
    ),
    # docker compose refusing to start a service whose dependency never became healthy
    ("compose", r"^dependency failed to start: container "),
    # Terraform's diagnostics, drawn in a box
    ("terraform", r"^\u2502 Error: "),
    # coreutils' verdict on a checksum file: a download that is not what was pinned
    ("checksum", r"^(?:sha\d+|md5|b2)?sum: WARNING: \d+ computed checksums? did NOT match"),
    # Go's HTTP client: the request, then why the transport gave up
    (
        "go-http",
        r"\b(?:Get|Head|Post|Put|Patch|Delete) \"https?://[^\"]+\": "
        r"(?:dial tcp|context deadline exceeded|net/http: |read tcp|write tcp|EOF|tls: |x509: )",
    ),
    # zap's console lines (Trivy, many Go tools): a time, a tab, the level, a tab
    ("zap", r"^\S+\t(?:ERROR|FATAL)\t"),
    # the GitHub API's answer to a refused call, as curl or a script prints it
    ("github-api", r"\"message\": \"[^\"]+\", \"documentation_url\": \"https://docs\.github\.com/"),
    (
        "killed",
        r"process didn't exit successfully: .*\(signal: \d+, SIG\w+|"
        r"JavaScript heap out of memory|Ineffective mark-compacts|"
        r"terminated by another process: signal=SIGKILL|terminated with signal 9|"
        r"node down: Not properly terminated|\bsignal:? \"?SIGKILL\b|killed by signal 9",
    ),
    (
        "runner",
        r"Cannot connect to the Docker daemon|\d+ Killed\s|"
        r"The runner has received a shutdown signal|lost communication with the server|"
        # a registry that refused for the rate (Docker Hub, npm, the GitHub API)
        r"toomanyrequests: |\b429 Too Many Requests\b|"
        # the machine's limits: threads or processes it would not start, a write cut short
        r"Resource temporarily unavailable|can't start new thread|Wrote only \d+ of \d+ bytes|"
        r"exit code 137|Killed|out of memory|No space left on device|"
        r"The operation was canceled|timed out|Connection (?:timed out|refused|reset)|"
        r"Could not resolve host|Temporary failure in name resolution|"
        r"^curl: \(\d+\) |Failed to connect to \S+ port|Couldn't connect to server|"
        # transport failures in any tool's words: resets, DNS, TLS, a gateway's 5xx
        r"RPC failed|early EOF|the remote end hung up|SSL_ERROR_SYSCALL|SSL routines|"
        r"TLS handshake (?:timeout|failed)|Name or service not known|no such host|"
        r"Network is unreachable|No route to host|EHOSTUNREACH|ENETUNREACH|ESOCKETTIMEDOUT|"
        r"socket hang up|Read timed out|Max retries exceeded|from HTTP 50[234]|"
        r"\b50[234] (?:Service Unavailable|Bad Gateway|Gateway Time-?out)\b|"
        r"was not acquired by Runner|hosted runner encountered an error|no enabled runners online|"
        r"exceeded the maximum execution time|The job was not started because|"
        r"^batch response: |^sccache: error|bad response code: 5\d\d|^response code: 5\d\d|"
        r"does not have any active Endpoint|no endpoints available for service|"
        # transport failures as HTTP clients of other stacks and libcurl's relays word them
        r"failed to lookup address information|error sending request for url|"
        r"Timeout was reached|UND_ERR_[A-Z_]+|UnknownHostException|Hash Sum mismatch|"
        r"does not indicate success: 5\d\d|other side closed|"
        # kills that a supervisor or a test pool reports
        r"exited with code 137\b|exit status 137\b|Jest worker encountered \d+ child process|"
        r"crashed while running|"
        # a limit of the machine: open files, a port already taken
        r"Too many open files|\bEMFILE\b|Address already in use|\bEADDRINUSE\b",
    ),
    # node --test's TAP diagnostics carry the failure's own message in an ``error:`` field
    (
        "node",
        r"^not ok \d+ - |^# fail [1-9]|Error \[ERR_[A-Z_]+\]|Cannot find module |"
        # the test runner's word that a test file's process died of a signal (TAP's YAML)
        r"^\s+error: [\x27\"]|^\s+signal: [\x27\"]SIG(?:SEGV|BUS|ILL|ABRT)[\x27\"]",
    ),
    (
        "kube-client",
        r"^[EF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\] |"
        r"^The connection to the server \S+ was refused|"
        r"^Unable to connect to the server",
    ),
    ("make", r"^make(?:\[\d+\])?: \*\*\* |^\S*[Mm]akefile(?:\.\w+)?:\d+: \*\*\* "),
    # task runners that report only that what they ran failed (tox, nox, Bazel, compose)
    (
        "runner-task",
        r"nox > Session \S+ failed|^\s*\S+: FAIL code \d+|Build did NOT complete successfully|"
        r"didn't complete successfully: exit \d+|^build \[\S+\] failed",
    ),
    ("node-test", r"^\s*\u2716 \D"),
    (
        "runtime",
        r"^\s*(?:\w+Error|Error)(?: \[[\w ]+\])?: |^\s*\[cause\]: |"
        r"\bE(?:CONNREFUSED|CONNRESET|TIMEDOUT|AI_AGAIN|NOTFOUND)\b|"
        r"^thread '.*' panicked at",
    ),
    (
        "python",
        r"^Traceback \(most recent call last\)|^\w+Error: |^FAILED \S+::|"
        r"^=+ .*\d+ failed",
    ),
    ("go", r"^--- FAIL: |^FAIL\s+\S+\s+[\d.]+s$|^panic: "),
    # the JVM's build tools, and an uncaught exception with its first frames
    (
        "jvm",
        r"^\[ERROR\] Failed to execute goal|^FAILURE: Build failed|BUILD FAILURE$|"
        r"^Exception in thread \"|^Caused by: [\w.$]+(?:Exception|Error)\b|"
        r"^\s+at [\w.$/]+\([\w$]+\.(?:java|kt|scala):\d+\)",
    ),
    ("error", r"^##\[error\]|^Error: |^error: |^ERROR:? |level=(?:error|fatal) msg="),
)

_GENERIC = re.compile(r"^##\[error\]Process completed with exit code \d+")
# First matching detector names the tool: one pattern-set call per line, not one per tool.
_TOOLS: Matcher[str] = Matcher([(re.compile(rx), tool) for tool, rx in _DETECTORS])


@dataclass(frozen=True, slots=True)
class ErrorHit:
    """One error line: where it is and which tool's pattern it matched."""

    index: int
    tool: str
    line: str
    generic: bool = False


def classify(line: str) -> str | None:
    """The tool whose error pattern ``line`` matches (None when it is no error line)."""
    if _GENERIC.match(line):
        return "exit"
    return _TOOLS.first(line)


def find_errors(lines: list[str], start: int = 0, end: int | None = None) -> list[ErrorHit]:
    """Every error line in ``lines[start:end]``, in order."""
    hits: list[ErrorHit] = []
    for index in range(start, len(lines) if end is None else min(end, len(lines))):
        line = lines[index]
        if not line or len(line) > 4000:
            continue
        tool = classify(line)
        if tool is not None:
            hits.append(ErrorHit(index, tool, line, generic=tool == "exit"))
    return hits
