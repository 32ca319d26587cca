"""Secrets recognised by what names them: ``NAME=value``, ``name: value``, ``--password v``.

A value is a secret because the name before it says so, whatever the value looks like,
so this is where a quoted multi-word password or ``hunter2`` is caught. Sources:

* detect-secrets' keyword plugin: its ``DENYLIST`` of secret-sounding names is part of
  :func:`secret_name`, its config-file regexes run on every candidate line (their values
  then go through our extent and filter rules), and its heuristic filters reject values
  that are not secrets (templates ``${X}``/``{{ x }}``/``<x>``, ``$VAR`` references, indirect
  references like ``os.environ["X"]``, values without a letter such as ``***``).
* ours: the name parts (``secret``, ``token``, ``credential``, ``api_key``, camelCase and
  ``X-Api-Key`` headers) where the last part must be the secret noun (``password_file``,
  ``secretName``, ``token_type`` and ``max_tokens`` are not secrets); the value extents
  (quoted with spaces, rest of an env-dump line, one shell word); the command forms
  (``aws configure set KEY VALUE``, ``mysql -pSECRET``, ``docker login -p``, ``curl -u``,
  ``sshpass -p``, ``redis-cli -a``); URLs with a password (any scheme, also Go DSNs);
  ``Authorization`` headers, bare ``Bearer``/``Basic`` credentials and cookies.

Names that only hint at a secret (``auth``, ``session``, ``signature``, ``salt``, an
unqualified ``*_KEY``) count only when the value looks random (length, letters and digits,
Shannon entropy computed like detect-secrets' base64 plugin).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from functools import cache
from typing import Any

from detect_secrets.filters.heuristic import (
    is_indirect_reference,
    is_likely_id_string,
    is_not_alphanumeric_string,
    is_prefixed_with_dollar_sign,
    is_templated_secret,
)

STRONG, WEAK = 2, 1

# The last name part that makes a value a secret on its own.
_NOUNS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "passwort",
        "contrasena",
        "contraseña",
        "pwd",
        "pw",
        "pass",
        "secret",
        "token",
        "credential",
        "credentials",
        "creds",
        "cred",
        "apikey",
        "pat",
        "authorization",
        "storepass",
        "keypass",
        "passin",
        "passout",
        "privatekey",
        "secretkey",
        "accesskey",
        "authtoken",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "clientsecret",
        "appsecret",
        "masterkey",
        "signingkey",
        "accountkey",
        "dbpass",
        "dbpassword",
        "pgpassword",
        "mysqlpwd",
        "cookie",
    }
)
# Suffixes that make a one-word name a secret noun (``PGPASSWORD``, ``authToken``).
_NOUN_ENDINGS = ("password", "passwd", "secret", "token", "apikey", "passphrase")
# Parts that qualify ``key`` as a secret key; ``key`` alone (actions/cache) is not one.
_KEY_QUALIFIERS = frozenset(
    {
        "api",
        "access",
        "secret",
        "private",
        "priv",
        "auth",
        "account",
        "master",
        "signing",
        "sign",
        "encryption",
        "encrypt",
        "enc",
        "client",
        "service",
        "ssh",
        "deploy",
        "app",
        "application",
        "db",
        "database",
        "license",
        "subscription",
        "storage",
        "sas",
        "shared",
        "webhook",
        "hmac",
        "admin",
        "write",
        "consumer",
        "session",
        "jwt",
        "crypto",
        "cipher",
        "aes",
        "pgp",
        "rsa",
        "ecdsa",
        "ed25519",
        "dd",
        "datadog",
        "stripe",
        "openai",
        "anthropic",
        "sendgrid",
        "mailgun",
        "algolia",
        "mapbox",
        "sentry",
        "firebase",
        "google",
        "gcp",
        "aws",
        "azure",
        "heroku",
        "cloudflare",
        "twilio",
        "slack",
        "github",
        "gitlab",
        "npm",
        "pypi",
        "vault",
        "kms",
        "cosign",
        "gpg",
        "sops",
        "age",
        "tls",
        "ssl",
        "x",
        "user",
        "rest",
        "ingest",
        "live",
        "test",
        "prod",
        "secure",
        "root",
    }
)
# A last part that says the value is about a secret, not the secret itself.
_NOT_SECRET_LAST = frozenset(
    {
        "file",
        "files",
        "path",
        "dir",
        "name",
        "names",
        "id",
        "ids",
        "ref",
        "refs",
        "url",
        "uri",
        "endpoint",
        "type",
        "types",
        "length",
        "len",
        "count",
        "policy",
        "rotation",
        "expiry",
        "expires",
        "expiration",
        "ttl",
        "enabled",
        "required",
        "env",
        "var",
        "prefix",
        "hint",
        "reset",
        "format",
        "mode",
        "manager",
        "store",
        "provider",
        "arn",
        "version",
        "stdin",
        "cmd",
        "command",
        "header",
        "scope",
        "scopes",
        "field",
        "label",
        "source",
        "sources",
        "permissions",
        "scanning",
        "protection",
        "keyref",
        "secretref",
        "location",
        "kind",
        "size",
        "bits",
        "algorithm",
        "alg",
        "fingerprint",
        "filename",
        "checksum",
    }
)
# Parts that make a ``*_KEY`` name a non-secret key.
_NOT_SECRET_KEY = frozenset(
    {
        "public",
        "pub",
        "cache",
        "primary",
        "foreign",
        "sort",
        "partition",
        "lookup",
        "group",
        "routing",
        "map",
        "row",
        "idempotency",
        "dedup",
        "dedupe",
        "cursor",
        "index",
        "hash",
        "restore",
        "unique",
        "composite",
        "natural",
        "surrogate",
        "host",
        "known",
        "ssh-host",
    }
)
_WEAK_NOUNS = frozenset(
    {
        "auth",
        "session",
        "sessionid",
        "sid",
        "signature",
        "sig",
        "salt",
        "hmac",
        "secrets",
        "nonce",
        "otp",
        "license",
        "licensekey",
    }
)

_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\W\d_]+")


def _parts(name: str) -> list[str]:
    return [p.lower() for p in _PART.findall(name)]


@cache
def _ds_denylist() -> re.Pattern[str]:
    """detect-secrets' keyword names, for names our parts rules do not know."""
    from detect_secrets.plugins.keyword import DENYLIST

    return re.compile("(?:" + "|".join(DENYLIST) + r")$", re.IGNORECASE)


@cache
def secret_name(name: str) -> int:
    """0, WEAK or STRONG: how surely a value under this name is a secret."""
    parts = _parts(name)
    if not parts:
        return 0
    last = parts[-1]
    if last in _NOT_SECRET_LAST:
        return 0
    if last in _NOUNS or (len(last) > 6 and last.endswith(_NOUN_ENDINGS)):
        if last == "pass" and len(parts) == 1 and not name.startswith("-"):
            return WEAK
        return STRONG
    if last in ("key", "keys") or last.endswith("key"):
        others = set(parts[:-1])
        if others & _NOT_SECRET_KEY or (
            last != "key" and last.endswith("key") and last[:-3] in _NOT_SECRET_KEY
        ):
            return 0
        if last != "key" and last not in ("keys",) and last[:-3] in _KEY_QUALIFIERS:
            return STRONG
        if others & _KEY_QUALIFIERS:
            return STRONG
        if others:
            return WEAK
        return 0
    if last in _WEAK_NOUNS:
        return WEAK
    if any(p in _NOUNS or p == "key" for p in parts[:-1]) and last not in _NOT_SECRET_KEY:
        return WEAK  # SECRET_KEY_BASE, CREDENTIALS_JSON: only with a random-looking value
    compact = re.sub(r"[^a-z]", "", name.lower())
    if _ds_denylist().search(compact.replace("_", "")) or _ds_denylist().search("_".join(parts)):
        return STRONG
    return 0


@cache
def _base64_plugin() -> Any:
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

    return Base64HighEntropyString()


def shannon_entropy(value: str) -> float:
    """Bits per character, computed by detect-secrets' base64 plugin (its charset)."""
    if not value:
        return 0.0
    return float(_base64_plugin().calculate_shannon_entropy(value))


def looks_random(value: str) -> bool:
    """Long enough, mixed characters, high entropy: what a generated secret looks like."""
    if len(value) < 12 or " " in value:
        return False
    classes = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return classes >= 2 and shannon_entropy(value) >= 3.0


# Values that stand for a secret without being one: masks, templates, variables, words.
_PLACEHOLDER = re.compile(
    r"(?i)^(?:\[REDACTED(?::[a-z0-9-]+)?\]|\*+|x{3,}|\.{3}|null|none|nil|true|false|yes|no|"
    r"on|off|undefined|<[^>]*>|\$\{\{?.*\}\}?|\{\{.*\}\}|%[A-Z_]+%|\$[A-Za-z_(][^\s]*|"
    r"redacted|masked|hidden|secret|password|env|string|required|optional|value|example|"
    r"dummy|placeholder|empty|unset|set|present|missing|not[ _-]?set|\(.*\)|\[[^\]]*\])$"
)
_MARKER = "[REDACTED:"


def acceptable(value: str, strength: int, context: str = "") -> bool:
    """Whether ``value`` under a secret name is worth redacting (detect-secrets' filters)."""
    value = value.strip()
    if not value or _MARKER in value or _PLACEHOLDER.match(value):
        return False
    if len(value) < 3:
        return False
    if is_templated_secret(value) or is_prefixed_with_dollar_sign(value):
        return False
    if is_not_alphanumeric_string(value) and not any(c.isdigit() for c in value):
        return False
    if context and re.fullmatch(r"[\w.-]+[\[(].*[\])]", value) and is_indirect_reference(context):
        return False
    if strength == WEAK:
        # detect-secrets' id filter: a value after ``user_id=`` is an identifier
        return looks_random(value) and not (context and is_likely_id_string(value, context))
    return True


# --------------------------------------------------------------------- assignments

_NAME_STEMS = (
    r"(?i:pass|pwd|pw\b|secret|token|key|cred|auth|cookie|session|sig|salt|hmac|"
    r"pat\b|sid\b|otp|licen|contrase)"
)
_ASSIGN = re.compile(
    r"(?P<name>(?<![\w.$/-])(?=[\w.-]*?" + _NAME_STEMS + r")[A-Za-z_][\w.-]*?[A-Za-z0-9_])"
    r"(?P<close>[\"'\]`]{0,2})[^\S\n]*(?P<op>:=|=>|=|:(?![:/]))[^\S\n]*"
    r"(?P<value>\\\"(?:[^\"\\\n]|\\[^\"\n])*\\\"|\"(?:[^\"\\\n]|\\.)*(?:\"|$)|'[^'\n]*(?:'|$)|"
    r"`[^`\n]*(?:`|$)|[^\s\"'`\\]*)"
)
_FLAG = re.compile(
    r"(?<![\w-])--?(?P<name>(?=[\w-]*?" + _NAME_STEMS + r")[A-Za-z][\w-]*)"
    r"(?:[^\S\n]+|=)(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|(?!-)[^\s\"'`\\]+)"
)
_SET = re.compile(
    r"\b(?:set|setx|set-string)[^\S\n]+(?P<name>[^\s=]*" + _NAME_STEMS + r"[^\s=]*)[^\S\n]+"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|(?!-)[^\s\"'`\\]+)"
)
_SHELL_OPS = re.compile(r"\s(?:&&|\|\||\||;|>|>>|2>|<)\s|\$\(|`|\s-{1,2}[A-Za-z]")
_LINE_HEAD = re.compile(
    r"^(?:\d{4}-\d\d-\d\dT[\d:.]+Z?[^\S\n]+)?[^\S\n]*"
    r"(?:(?:export|declare -x|set|ENV|ARG|setenv|\$|>|#|-|\+)[^\S\n]+)?[\"']?$"
)
_COMMENT = re.compile(r"[^\S\n]+#.*$")
_UNQUOTED_END = re.compile(r"[;&|<>)\]},]|\\[nrt\"\\]")  # \n: a JSON-escaped line break


_WORDS = re.compile(r"[A-Za-z]+(?:[-_' ][A-Za-z]+)*[.,;!]?")


def _prose(value: str) -> bool:
    """Words as a sentence writes them (``unexpected``, ``Not-Found``), not a generated value."""
    if not _WORDS.fullmatch(value):
        return False
    words = re.findall(r"[A-Za-z]+", value)
    return all(w.islower() or w.istitle() or w.isupper() for w in words)


def _unquoted_extent(line: str, start: int, value: str, op: str, head: bool) -> int:
    """End of an unquoted value: the rest of a ``NAME=...`` / ``name: ...`` line, else a word."""
    if head:
        rest = line[start:]
        rest = _COMMENT.sub("", rest).rstrip()
        if op == ":" and rest.endswith((",", "}")) and "{" not in line[:start]:
            rest = rest.rstrip(",")
        if rest and not _SHELL_OPS.search(rest):
            return start + len(rest)
    end = _UNQUOTED_END.search(value)
    return start + (end.start() if end else len(value))


def _quoted(value: str) -> tuple[int, int] | None:
    """Offsets of the inside of a quoted value (to the line end if it is not closed)."""
    if value.startswith('\\"'):  # JSON-escaped quotes: a log line printed as a JSON string
        closed = len(value) > 3 and value.endswith('\\"')
        return 2, len(value) - (2 if closed else 0)
    if value and value[0] in "\"'`":
        closed = len(value) > 1 and value[-1] == value[0]
        return 1, len(value) - (1 if closed else 0)
    return None


# Lower-case literals every ``_NAME_STEMS`` match contains (``pw`` for ``pw\b`` …).
_STEM = re.compile(
    r"pass|pwd|pw|secret|token|key|cred|auth|cookie|session|sig|salt|hmac|pat|sid|otp|"
    r"licen|contrase"
)
_RUN = re.compile(r"[\w.-]*")


def _run_end(text: str, at: int) -> int:
    r"""Where the run of ``[\w.-]`` at ``at`` ends."""
    m = _RUN.match(text, at)
    return m.end() if m else at


def _assign_matches(line: str, lower: str) -> list[re.Match[str]]:
    r"""``_ASSIGN.finditer(line)``, tried only where a match can start.

    The lookbehind lets a match start only where a run of ``[\w.-]`` starts, and the
    lookahead only in a run holding a stem; ``finditer`` tries every position of the line
    (~12 us on a timestamped line). On an ASCII line (``\w`` and ``(?i)`` are then ASCII
    and ``str.lower`` finds every stem) each run with a stem is tried once, at its start,
    or where the last match ended if that was inside it (a run's later positions fail the
    lookbehind). Other lines take ``finditer``.
    """
    if not line.isascii():
        return list(_ASSIGN.finditer(line))
    out: list[re.Match[str]] = []
    pos = 0
    size = len(line)
    back = ""
    for stem in _STEM.finditer(lower):
        at = stem.start()
        if at < pos:
            continue
        if not back:
            back = line[::-1]
        run_start = size - _run_end(back, size - at)
        m = _ASSIGN.match(line, max(pos, run_start))
        if m is None:
            pos = _run_end(line, at)
        else:
            out.append(m)
            pos = m.end()
    return out


def _assignments(line: str, lower: str, found: list[tuple[int, int, str]]) -> None:
    for m in _assign_matches(line, lower):
        name, op, value = m.group("name"), m.group("op"), m.group("value")
        strength = secret_name(name.rsplit(".", 1)[-1] if "." in name else name) or secret_name(
            name
        )
        if not strength or _parts(name)[-1] in ("authorization", "cookie"):
            continue  # headers: _headers keeps the scheme word and cuts the credential
        vstart = m.start("value")
        inner = _quoted(value)
        if inner:
            start, end = vstart + inner[0], vstart + inner[1]
        else:
            head = bool(_LINE_HEAD.match(line[: m.start("name")]))
            start, end = vstart, _unquoted_extent(line, vstart, value, op, head)
            if not head and op == ":" and (end - start < 1 or _prose(line[start:end])):
                continue  # "failed to fetch token: unexpected status" is a sentence
        if acceptable(line[start:end], strength, line[m.start() : end]):
            found.append(
                (
                    start,
                    end,
                    "password" if "pass" in name.lower() or "pwd" in name.lower() else "secret",
                )
            )


# Where ``_FLAG`` and ``_SET`` can first match on an ASCII line: a dash before a run that
# holds a stem, and the word ``set``. Both start with a literal, which ``re`` finds fast.
_FLAG_START = re.compile(r"-[\w-]*?(?:" + _STEM.pattern + ")")


def _flag_starts(line: str, lower: str) -> tuple[int, int]:
    r"""Lower bounds for the start of any ``_FLAG`` and any ``_SET`` match; -1: none.

    ``_FLAG`` and ``_SET`` begin with a lookbehind or ``\b``, so ``re`` tries them at every
    position of the line. On an ASCII line their matches start at a dash before a stem
    (``_FLAG``) or at a ``set`` (``_SET``); a search from there finds the same matches, as
    lookbehinds and ``\b`` still see the text before it. Other lines are searched whole.
    """
    if not line.isascii():
        return 0, 0
    flag = _FLAG_START.search(lower)
    return (flag.start() if flag else -1), lower.find("set")


def _flags(line: str, lower: str, found: list[tuple[int, int, str]]) -> None:
    for pattern, start in zip((_FLAG, _SET), _flag_starts(line, lower), strict=True):
        if start < 0:
            continue
        for m in pattern.finditer(line, start):
            name = m.group("name")
            strength = secret_name(name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]) or secret_name(name)
            if not strength:
                continue
            value = m.group("value")
            vstart = m.start("value")
            inner = _quoted(value)
            start, end = (
                (vstart + inner[0], vstart + inner[1]) if inner else (vstart, vstart + len(value))
            )
            if "=" in value and re.match(r"(?:id|src|env|type)=", value):
                continue  # docker build --secret id=npmrc,src=.npmrc
            if acceptable(line[start:end], strength):
                found.append((start, end, "secret"))


@cache
def _ds_tables() -> tuple[tuple[re.Pattern[str], int], ...]:
    from detect_secrets.plugins.keyword import (
        CONFIG_DENYLIST_REGEX_TO_GROUP,
        QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    )

    pairs = {**QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP, **CONFIG_DENYLIST_REGEX_TO_GROUP}
    return tuple(pairs.items())


@cache
def _ds_word() -> re.Pattern[str]:
    """A denylisted name followed by something its regexes need (an operator or quote)."""
    from detect_secrets.plugins.keyword import DENYLIST

    return re.compile(
        "(?i)(?:" + "|".join(DENYLIST) + r")\w*[\]'\"`]{0,2}\s*[:=!(\"'>]|"
        r"[\"'`]\s*[!=]{2}"
    )


@cache
def _ds_literals() -> tuple[tuple[str, int], ...] | None:
    """Literals one of which every denylisted name holds, with their furthest offsets.

    The offset is how far into a name the literal can start; None if unsure. Each name
    is expanded over its optional underscores (``api_?key``); a name in any other syntax
    turns the shortcut off.
    """
    from detect_secrets.plugins.keyword import DENYLIST

    furthest = dict.fromkeys(("key", "pass", "pwd", "secret", "contrase"), 0)
    for name in DENYLIST:
        if not re.fullmatch(r"(?:[a-zñ]|_\??)+", name):
            return None
        parts = name.split("_?")
        for gaps in itertools.product(("", "_"), repeat=len(parts) - 1):
            spelled = parts[0] + "".join(g + p for g, p in zip(gaps, parts[1:], strict=True))
            held = [lit for lit in furthest if lit in spelled]
            if not held:
                return None
            for lit in held:
                furthest[lit] = max(furthest[lit], spelled.find(lit))
    return tuple(furthest.items())


def _ds_start(line: str, lower: str) -> int:
    """Where a ``_ds_word`` match can first start; -1: nowhere.

    ``_ds_word``'s case-blind alternation costs ~11 us a line in ``re`` and matches on
    few lines. On an ASCII line a match is a denylisted name, which holds one of
    :func:`_ds_literals` (lower-case) at most that literal's offset after the match's
    start, or the comparison form, which needs ``!`` or ``==`` (then: from the start).
    """
    literals = _ds_literals()
    if literals is None or not line.isascii() or "!" in line or "==" in line:
        return 0
    first = -1
    for lit, furthest in literals:
        at = lower.find(lit)
        if at >= 0:
            bound = max(0, at - furthest)
            first = bound if first < 0 else min(first, bound)
    return first


def _ds_keyword(line: str, lower: str, found: list[tuple[int, int, str]]) -> None:
    """detect-secrets' keyword regexes; their values are cut like ours.

    The regexes start at the denylisted name (all but the comparison form, which ends at
    it), so they are tried only where ``_ds_word`` found a name, anchored there: scanning
    every position of a dense line with lookaheads is quadratic.
    """
    start = _ds_start(line, lower)
    if start < 0:
        return
    for hit in _ds_word().finditer(line, start):
        for pattern, group in _ds_tables():
            if pattern is _ds_comparison():
                m = pattern.search(line, max(0, hit.start() - 200), hit.end() + 40)
            else:
                m = pattern.match(line, hit.start(), hit.start() + 512)
            if m is not None:
                _ds_value(line, m, group, found)


@cache
def _ds_comparison() -> re.Pattern[str]:
    from detect_secrets.plugins.keyword import (
        PRECEDED_BY_EQUAL_COMPARISON_SIGNS_QUOTES_REQUIRED_REGEX,
    )

    pattern: re.Pattern[str] = PRECEDED_BY_EQUAL_COMPARISON_SIGNS_QUOTES_REQUIRED_REGEX
    return pattern


def _ds_value(line: str, m: re.Match[str], group: int, found: list[tuple[int, int, str]]) -> None:
    start, end = m.span(group)
    value = line[start:end]
    ops = _SHELL_OPS.search(value)
    if ops:
        end = start + ops.start()
        value = line[start:end]
    if start == 0 or line[start - 1] not in "\"'`":
        word = _UNQUOTED_END.search(value) or re.search(r"\s", value)
        if word:  # unquoted: one word (our rules take whole lines)
            end = start + word.start()
            value = line[start:end]
    stripped = value.rstrip(" ,;")
    end = start + len(stripped)
    left = right = m.start(1) if m.lastindex else m.start()
    while left > 0 and (line[left - 1].isalnum() or line[left - 1] in "_.-"):
        left -= 1
    while right < len(line) and (line[right].isalnum() or line[right] in "_.-"):
        right += 1
    name = line[left:right]
    if not name:  # "value" == password: the name ends the match
        tail = re.search(r"[\w.-]+$", m.group(0))
        name = tail.group() if tail else ""
    strength = secret_name(name.rsplit(".", 1)[-1])
    quoted = start > 0 and line[start - 1] in "\"'`"
    if (
        not quoted
        and ":" in line[right:start]
        and "=" not in line[right:start]
        and not _LINE_HEAD.match(line[:left])
        and _prose(stripped)
    ):
        return
    if strength and acceptable(stripped, strength, line[m.start() : end]):
        found.append((start, end, "secret"))


# ------------------------------------------------------------------ commands, urls

_COMMANDS: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    (
        ("mysql", "mariadb"),
        re.compile(
            r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlsh|"
            r"mariadb(?:-dump|-admin)?)\b[^\n|;&]*?[^\S\n]-p(?P<value>\"[^\"\n]*\"|'[^'\n]*'|"
            r"[^\s\"'\\-][^\s\"'\\]*)"
        ),
        "password",
    ),
    (
        ("login",),
        re.compile(
            r"\b(?:docker|podman|buildah|nerdctl|oras|crane|helm|skopeo|regctl|az|cf|oc)\b"
            r"[^\n|;&]*?\blogin\b[^\n|;&]*?[^\S\n]-p[^\S\n]*(?P<value>\"[^\"\n]*\"|'[^'\n]*'|"
            r"[^\s\"'\\-][^\s\"'\\]*)"
        ),
        "password",
    ),
    (
        ("twine", "sshpass", "mongo", "sqlcmd", "mosquitto"),
        re.compile(
            r"\b(?:twine|sshpass|mongo|mongosh|mongodump|mongorestore|sqlcmd|mosquitto_(?:pub|sub))"
            r"\b[^\n|;&]*?[^\S\n]-[pP][^\S\n]*(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'\\-][^\s\"'\\]*)"
        ),
        "password",
    ),
    (
        ("redis-cli",),
        re.compile(
            r"\bredis-cli\b[^\n|;&]*?[^\S\n]-a[^\S\n]+(?P<value>\"[^\"\n]*\"|'[^'\n]*'|"
            r"[^\s\"'\\-][^\s\"'\\]*)"
        ),
        "password",
    ),
    (
        ("-u", "--user"),
        re.compile(
            r"(?:^|[^\S\n])(?:-u|--user|--proxy-user)[^\S\n]*=?[\"']?[^\s:\"']+:"
            r"(?P<value>[^\s\"'\\]+)"
        ),
        "password",
    ),
    (
        ("secret", "--body"),
        re.compile(
            r"\bsecret\s+set\b[^\n|;&]*?[^\S\n](?:-b|--body)[=\s]+(?P<value>\"[^\"\n]*\"|"
            r"'[^'\n]*'|[^\s\"'\\-][^\s\"'\\]*)"
        ),
        "secret",
    ),
    (
        ("--password-stdin", "--with-token"),
        re.compile(
            r"\becho[^\S\n]+(?:-n[^\S\n]+)?(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'|$\\][^\s|\"'\\]*)"
            r"[^\S\n]*\|[^\n]*?(?:--password-stdin|--with-token|login)"
        ),
        "secret",
    ),
    (
        ("<<<",),
        re.compile(
            r"(?:--password-stdin|--with-token|login)[^\n<]*<<<[^\S\n]*(?P<value>\"[^\"\n]*\"|"
            r"'[^'\n]*'|[^\s\"'$\\][^\s\"'\\]*)"
        ),
        "secret",
    ),
    (
        ("rabbitmqctl",),
        re.compile(
            r"\brabbitmqctl\b[^\n]*?\b(?:add_user|change_password)[^\S\n]+\S+[^\S\n]+"
            r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'\\-][^\s\"'\\]*)"
        ),
        "password",
    ),
    (
        ("htpasswd",),
        re.compile(
            r"\bhtpasswd[^\S\n]+-[a-zA-Z]*b[a-zA-Z]*(?:[^\S\n]+-\S+)*[^\S\n]+\S+[^\S\n]+\S+[^\S\n]+"
            r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'\\]+)"
        ),
        "password",
    ),
    (
        ("password", "passwd"),
        re.compile(
            r"(?i)(?:^|\bmachine\b.*?|^[^\S\n]*)\b(?:password|passwd)[^\S\n]+"
            r"(?P<value>[^\s\"'\\]+)[^\S\n]*$"
        ),
        "password",
    ),
    (
        ("-storepass", "-keypass", "-pass", "-passin", "-passout"),
        re.compile(
            r"[^\S\n]-(?:storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass|"
            r"pass|passin|passout)[^\S\n]+(?:pass:|env:|file:)?(?P<value>[^\s\"'\\]+)"
        ),
        "password",
    ),
)

# Any command's hint: most lines hold none, and one search is cheaper than twelve ``any``.
_COMMAND_HINT = re.compile("|".join(re.escape(h) for hints, _, _ in _COMMANDS for h in hints))

_URL = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{1,30}://(?P<user>[^\s:/?#@\"'<>]*):"
    r"(?P<value>[^\s\"'<>]*?)@(?=[^\s@/?#\"'<>]*(?:[/?#\s\"'<>),;\\]|$))"
)
# An invalid but possible URL: a password with spaces in it (``postgres://u:a b@db``).
_URL_SPACED = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{1,30}://[^\s:/?#@\"'<>]*:(?P<value>[^@\n\"'<>]{1,64}?)@"
    r"(?=[A-Za-z0-9.\[\]-]+(?:[:/?#\s\"'<>),;]|$))"
)
_URL_USER = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{1,30}://(?P<value>[^\s:/?#@\"'<>]{12,})(?::[^\s@/\"'<>]*)?@"
    r"(?=[^\s@/?#\"'<>]*(?:[/?#\s\"'<>),;\\]|$))"
)
_DSN = re.compile(r"(?<![\w/])[\w.-]+:(?P<value>[^\s@/:\"']+)@(?:tcp|unix|udp)\(")
_AUTH_HEADER = re.compile(
    r"(?i)\b(?:proxy-)?authorization[\"']?[^\S\n]*[:=][^\S\n]*[\"']?"
    r"(?:(?P<scheme>bearer|basic|token|bot|digest|negotiate|ntlm|apikey|sso-key|gitlab|pat|"
    r"otp|aws4-hmac-sha256)[^\S\n]+)?(?P<value>[^\s\"',;\\]+(?:,[^\S\n]*[\w-]+=[^\s\"',;\\]+)*)"
)
_BEARER = re.compile(r"(?i)\bbearer[^\S\n]+(?P<value>[A-Za-z0-9._~+/=-]{12,})")
_BASIC = re.compile(r"(?i)\bbasic[^\S\n]+(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])")
_COOKIE = re.compile(
    r"(?i)(?:\b(?P<set>set-)?cookie[\"']?[^\S\n]*:|(?:^|[^\S\n])(?:--cookie|(?-i:-b))[^\S\n]+[\"']?)"
    r"[^\S\n]*[\"']?(?P<value>[^\n\"'\\]+)"
)


def _basic_valid(value: str) -> bool:
    """A Basic credential decodes to ``user:password``."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded


def _urls(line: str, found: list[tuple[int, int, str]]) -> None:
    for m in _URL.finditer(line):
        value = m.group("value")
        after = line[m.end() : m.end() + 7].lower()
        if after.startswith(("sha256:", "sha512:", "sha1:")):
            continue
        if (
            value
            and _MARKER not in value
            and not is_templated_secret(value)
            and not value.startswith("$")
        ):
            found.append((m.start("value"), m.end("value"), "url-password"))
    for m in _URL_SPACED.finditer(line):
        value = m.group("value")
        if " " in value and not re.match(r"\d+(?:[/\s]|$)", value) and "://" not in value:
            found.append((*m.span("value"), "url-password"))
    for m in _URL_USER.finditer(line):
        user = m.group("value")  # a token as the user name: https://TOKEN@github.com
        if looks_random(user) or user.startswith(("gh", "glpat-")):
            found.append((*m.span("value"), "url-token"))
    for m in _DSN.finditer(line):
        if _MARKER not in m.group("value"):
            found.append((*m.span("value"), "url-password"))


def _headers(line: str, lower: str, found: list[tuple[int, int, str]]) -> None:
    if "authorization" in lower:
        for m in _AUTH_HEADER.finditer(line):
            value = m.group("value")
            # without a scheme word, only a credential-shaped value (not "authorization: x")
            sure = m.group("scheme") or (len(value) >= 16 and any(c.isdigit() for c in value))
            if sure and acceptable(value, STRONG):
                found.append((*m.span("value"), "authorization"))
    if "bearer" in lower:
        for m in _BEARER.finditer(line):
            value = m.group("value")
            if _MARKER not in value and (any(c.isdigit() for c in value) or looks_random(value)):
                found.append((*m.span("value"), "bearer"))
    if "basic" in lower:
        for m in _BASIC.finditer(line):
            if _basic_valid(m.group("value")):
                found.append((*m.span("value"), "basic-auth"))
    if "cookie" in lower or "-b " in lower:
        for m in _COOKIE.finditer(line):
            value = m.group("value").rstrip()
            start = m.start("value")
            if m.group("set"):
                eq = value.find("=")
                semi = value.find(";")
                if eq < 0:
                    continue
                start, value = start + eq + 1, value[eq + 1 : semi if semi > eq else None]
            elif (
                not m.group(0).lstrip().lower().startswith(("cookie", '"cookie', "'cookie"))
                and "=" not in value
            ):
                continue  # curl -b with a file name, not a cookie string
            if acceptable(value, STRONG):
                found.append((start, start + len(value), "cookie"))


# GitHub Actions workflow commands that carry a value in the clear.
_WORKFLOW = re.compile(
    r"::add-mask::(?P<value>[^\s\"'\\][^\s\"'\\]*)|"
    r"::set-(?:output|env|secret)[^\S\n]+name=(?P<name>[\w.-]+)::(?P<named>[^\s\"'\\]+)"
)
# "the password is hunter2": a sentence naming the secret, then a value that is no word.
_IS = re.compile(
    r"(?i)\b(?:password|passphrase|passwd|pwd|token|secret|api[ _-]?key)[^\S\n]+"
    r"(?:is|was|=|:|set to)[^\S\n]+[\"'`]?(?P<value>[^\s\"'`\\]{6,})"
)
# JSON inside a JSON string: {\"password\": \"x\"}
_ESCAPED_JSON = re.compile(
    r"\\\"(?P<name>[\w.-]+)\\\"[^\S\n]*:[^\S\n]*\\\"(?P<value>(?:[^\"\\\n]|\\[^\"\n])*?)\\\""
)

# An env entry's ``value:`` whose ``name:`` line fell outside an excerpt window: only a
# value that can be nothing but generated (three character classes, no path or version
# punctuation) is taken.
_LONE_VALUE = re.compile(
    r"(?i)(?:^|[\s{,])[\"']?value[\"']?[^\S\n]*[:=][^\S\n]*[\"']?"
    r"(?P<value>[A-Za-z0-9+=_~!^*#%&-]{12,})[\"']?[^\S\n]*[,}]?[^\S\n]*$"
)


def _generated(value: str) -> bool:
    return (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
        and shannon_entropy(value) >= 3.2
    )


_BARE = re.compile(
    r"(?i)\b(?P<name>token|password|passwd|secret|api[_-]?key|pat)[^\S\n]+"
    r"(?P<value>[A-Za-z0-9_~+/=.-]{12,})(?![\w~+/=.-])"
)


_SENTENCE_WORDS = ("token", "passw", "passphrase", "pwd", "secret", "api", "pat ")


# Lower-case literals every ``_IS`` and ``_BARE`` name starts with.
_SENTENCE_NAME = re.compile(r"pass|pwd|token|secret|api|pat")


def _sentence_start(line: str, lower: str) -> int:
    r"""Where an ``_IS`` or ``_BARE`` match can first start; -1: nowhere.

    Both begin with ``\b``, so ``re`` tries them at every position (~2.5 us a line each).
    On an ASCII line a match starts at its name, which starts with one of
    ``_SENTENCE_NAME``'s literals; ``\b`` still sees the character before the start.
    """
    if not line.isascii():
        return 0
    first = _SENTENCE_NAME.search(lower)
    return first.start() if first else -1


def _bare(line: str, start: int, found: list[tuple[int, int, str]]) -> None:
    """``token X`` with no operator: only a value that looks generated."""
    for m in _BARE.finditer(line, start):
        value = m.group("value")
        if looks_random(value) and _MARKER not in value:
            found.append((*m.span("value"), "secret"))


def find_named(line: str, lower: str) -> list[tuple[int, int, str]]:
    """Spans of values that a secret name, a command, a URL or a header points at.

    ``lower`` is ``line.lower()``: the shortcuts that skip patterns read it.
    """
    found: list[tuple[int, int, str]] = []
    _assignments(line, lower, found)
    _flags(line, lower, found)
    _ds_keyword(line, lower, found)
    for hints, pattern, kind in _COMMANDS if _COMMAND_HINT.search(lower) else ():
        if any(h in lower for h in hints):
            for m in pattern.finditer(line):
                inner = _quoted(m.group("value"))
                start = m.start("value") + (inner[0] if inner else 0)
                end = m.start("value") + (inner[1] if inner else len(m.group("value")))
                if acceptable(line[start:end], STRONG):
                    found.append((start, end, kind))
    sentence = any(w in lower for w in _SENTENCE_WORDS)
    start = _sentence_start(line, lower) if sentence else -1
    if start >= 0:
        _bare(line, start, found)
    if "value" in lower:
        for m in _LONE_VALUE.finditer(line):
            if _generated(m.group("value")) and _MARKER not in m.group("value"):
                found.append((*m.span("value"), "secret"))
    if "::" in line:
        for m in _WORKFLOW.finditer(line):
            if m.group("value") and acceptable(m.group("value"), STRONG):
                found.append((*m.span("value"), "secret"))
            elif (
                m.group("named")
                and secret_name(m.group("name"))
                and acceptable(m.group("named"), STRONG)
            ):
                found.append((*m.span("named"), "secret"))
    for m in _IS.finditer(line, start) if start >= 0 else ():
        value = m.group("value").rstrip(".,;!")
        if not _prose(value) and acceptable(value, STRONG):
            found.append((m.start("value"), m.start("value") + len(value), "secret"))
    if '\\"' in line:
        for m in _ESCAPED_JSON.finditer(line):
            if secret_name(m.group("name")) == STRONG and acceptable(m.group("value"), STRONG):
                found.append((*m.span("value"), "secret"))
    if "@" in line:
        _urls(line, found)
    _headers(line, lower, found)
    return found
