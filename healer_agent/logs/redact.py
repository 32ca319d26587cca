"""Secret redaction, applied before text is stored, logged or put in a prompt.

The detectors come from detect-secrets (its plugins' deny-lists: AWS, GitHub, GitLab,
Slack, Stripe, Twilio, SendGrid, npm, PyPI, OpenAI, JWT, private keys, ...), compiled once
into one pass, plus the shapes it does not cover (GitHub fine-grained and App tokens,
Anthropic and Google keys, bearer headers, passwords in URLs and ``key=value``, PEM
blocks that span lines). Matches become ``[REDACTED:<kind>]`` so a reader still sees
that something was there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

# Plugins whose patterns flag things that are not secrets in CI logs.
_SKIP_PLUGINS = {"IPPublicDetector", "Base64HighEntropyString", "HexHighEntropyString",
                 "KeywordDetector", "IbmCloudIamDetector", "IbmCosHmacDetector",
                 "SoftlayerDetector", "CloudantDetector"}

_OWN: tuple[tuple[str, str], ...] = (
    ("private-key", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
                    r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)"),
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9_]{30,255}|github_pat_[A-Za-z0-9_]{22,255})"),
    ("github-app-token", r"\bghs_[0-9]+_[A-Za-z0-9._-]{20,}"),
    ("anthropic-key", r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    ("openai-key", r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ("gcp-oauth", r"\bya29\.[0-9A-Za-z_-]{20,}"),
    ("aws-access-key", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"),
    ("aws-secret-key", r"(?i)(?<=aws_secret_access_key)(?:[\"']?\s*[:=]\s*[\"']?)"
                       r"([A-Za-z0-9/+]{40})"),
    ("azure-storage-key", r"(?i)AccountKey=([A-Za-z0-9+/=]{40,})"),
    ("slack-token", r"\bxox[abprse]-[A-Za-z0-9-]{10,}"),
    ("slack-webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+"),
    ("discord-webhook", r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\S+"),
    ("stripe-key", r"\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}"),
    ("gitlab-token", r"\bgl(?:pat|dt|rt|ptt|cbt|oas)-[0-9A-Za-z_-]{20,}"),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("pypi-token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}"),
    ("dockerhub-token", r"\bdckr_pat_[A-Za-z0-9_-]{20,}"),
    ("sendgrid-key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
    ("twilio-key", r"\bSK[0-9a-fA-F]{32}\b"),
    ("mailgun-key", r"\bkey-[0-9a-zA-Z]{32}\b"),
    ("shopify-token", r"\bshp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}\b"),
    ("datadog-key", r"(?i)(?<=dd_api_key)(?:[\"']?\s*[:=]\s*[\"']?)([0-9a-f]{32})"),
    ("heroku-key", r"(?i)(?<=heroku_api_key)(?:[\"']?\s*[:=]\s*[\"']?)([0-9a-f-]{36})"),
    ("telegram-token", r"\b[0-9]{8,10}:AA[0-9A-Za-z_-]{33}\b"),
    ("discord-token", r"\b[MN][A-Za-z\d]{23,25}\.[\w-]{6}\.[\w-]{27,38}\b"),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ("bearer", r"(?i)\b(?:bearer|token)\s+([A-Za-z0-9._~+/=-]{16,})"),
    ("basic-auth", r"(?i)\bbasic\s+([A-Za-z0-9+/=]{12,})"),
    ("url-password", r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]+:([^\s@/]{3,})@"),
    ("assignment", r"(?i)(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
                   r"private[_-]?key|client[_-]?secret)[\w.-]*[\"']?[ \t]*[:=][ \t]*[\"']?"
                   r"([^\s\"',;]{6,})"),
)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Own patterns first (they name the kind precisely), then detect-secrets' lists."""
    compiled = [(kind, re.compile(rx)) for kind, rx in _OWN]
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    for cls in get_mapping_from_secret_type_to_class().values():
        if cls.__name__ in _SKIP_PLUGINS:
            continue
        kind = cls.__name__.removesuffix("Detector").lower()
        for rx in getattr(cls, "denylist", ()) or ():
            compiled.append((kind, rx if isinstance(rx, re.Pattern) else re.compile(rx)))
    return tuple(compiled)


_PLACEHOLDER = re.compile(r"\[REDACTED:[a-z0-9-]+\]|\*\*\*")


def _replace(kind: str) -> Callable[[re.Match[str]], str]:
    def sub(match: re.Match[str]) -> str:
        if match.lastindex:
            start, end = match.span(match.lastindex)
            inner = match.group(match.lastindex) or ""
            if not inner or _PLACEHOLDER.fullmatch(inner):
                return match.group(0)
            whole_start = match.start(0)
            text = match.group(0)
            return (text[: start - whole_start] + f"[REDACTED:{kind}]"
                    + text[end - whole_start:])
        if _PLACEHOLDER.fullmatch(match.group(0)):
            return match.group(0)
        return f"[REDACTED:{kind}]"

    return sub


# A line can hold a secret only if it has a keyword or a long token-like run; most log
# lines have neither, so the full pattern set runs on a small fraction of the text.
_GATE = re.compile(
    r"(?i)pass|pwd|secret|token|key|auth|bearer|basic|://[^/\s]*@|xox|hooks\.|akia|asia|eyj|"
    r"gh[pousr]_|"
    r"github_pat|sk-|sk_|rk_|pk_|sg\.|gl[a-z]{2,3}-|npm_|pypi-|dckr_|shp|aiza|ya29|:aa"
    r"|[A-Za-z0-9+=_-]{20,}"
)
_PEM = re.compile(_OWN[0][1])


@cache
def _any_secret() -> re.Pattern[str]:
    """One alternation of every pattern.

    Most gated lines hold no secret, and one pass says so faster than thirty.
    """
    parts = []
    for _kind, pattern in _patterns()[1:]:
        source = pattern.pattern
        if source.startswith("(?i)"):
            source = f"(?i:{source[4:]})"
        elif pattern.flags & re.IGNORECASE:
            source = f"(?i:{source})"
        parts.append(f"(?:{source})")
    return re.compile("|".join(parts))


def redact(text: str) -> str:
    """Replace every secret-shaped substring of ``text``."""
    if not text:
        return text
    if "PRIVATE KEY" in text:
        text = _PEM.sub("[REDACTED:private-key]", text)
    patterns = _patterns()[1:]
    out: list[str] = []
    detect = _any_secret()
    for line in text.split("\n"):
        if _GATE.search(line) and detect.search(line):
            for kind, pattern in patterns:
                line = pattern.sub(_replace(kind), line)
        out.append(line)
    return "\n".join(out)


def redact_lines(lines: Iterable[str]) -> list[str]:
    """Redact each line (multi-line secrets need ``redact`` on the joined text)."""
    return [redact(line) for line in lines]
