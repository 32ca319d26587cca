"""Secrets recognised by their own shape: vendor tokens with a fixed prefix or layout.

Two sources, in this order:

* detect-secrets' regex plugins (their ``denylist`` patterns, read from the installed
  plugin classes, so a detect-secrets upgrade brings its new formats along): Artifactory,
  AWS access keys, Azure storage keys, Discord, GitHub, GitLab, IBM Cloud/COS, Cloudant,
  SoftLayer, JWT (with the plugin's own validity check), Mailchimp, npm, OpenAI (the
  ``T3BlbkFJ`` form), PyPI, SendGrid, Slack, Square, Stripe, Telegram, Twilio.
  Skipped: the public-IP detector (an address is not a secret), the entropy plugins and
  the keyword plugin (used by :mod:`secrets_keywords` as value filters and name lists) and
  the private-key plugin (its markers are handled as blocks by :mod:`secrets_blocks`).
* our own table below, for what those miss or match too narrowly: GitHub tokens of any
  length and fine-grained PATs, OpenAI/Anthropic keys (legacy ``sk-``, ``sk-proj-``,
  ``sk-ant-``), Google API keys and OAuth tokens, Stripe test and webhook keys, HashiCorp,
  DigitalOcean, Hugging Face, Docker Hub and a dozen other prefixed formats.

Every rule carries literal hints; a line is tried against a rule only if it contains one
(lower-cased), so the ~80 patterns cost a few substring checks on most lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from detect_secrets.filters.heuristic import is_potential_uuid, is_sequential_string

from healer_agent.logs.patternset import Matcher


@dataclass(frozen=True, slots=True)
class TokenRule:
    """One shape: where it may occur (hints), what to cut (group), and a validity check."""

    kind: str
    pattern: re.Pattern[str]
    hints: tuple[str, ...]
    group: int = 0
    valid: Callable[[str], bool] | None = None


def _mixed(value: str) -> bool:
    """Has a letter and a digit: random tokens do, words and version strings rarely both."""
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _not_filler(value: str) -> bool:
    """detect-secrets' filters for made-up values: sequences and UUIDs are not keys."""
    return _mixed(value) and not is_sequential_string(value) and not is_potential_uuid(value)


# (kind, regex, hints, group): ours.  \b on both sides keeps them off longer identifiers.
_OWN: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("github-token", r"\bgh[pousr]_[A-Za-z0-9_]{30,255}\b", ("gh",), 0),
    ("github-token", r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b", ("github_pat_",), 0),
    ("anthropic-key", r"\bsk-ant-[A-Za-z0-9_-]{20,}", ("sk-ant-",), 0),
    ("openai-key", r"\bsk-(?:proj|svcacct|admin|None|or-v1)-[A-Za-z0-9_-]{20,}", ("sk-",), 0),
    ("openai-key", r"\bsk-[A-Za-z0-9]{32,}\b", ("sk-",), 0),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", ("aiza",), 0),
    ("google-oauth", r"\bya29\.[0-9A-Za-z_-]{20,}", ("ya29.",), 0),
    ("google-oauth", r"\bGOCSPX-[0-9A-Za-z_-]{20,}", ("gocspx-",), 0),
    (
        "aws-access-key",
        r"\b(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|AGPA|AIPA|ANPA|ANVA|APKA)"
        r"[A-Z0-9]{16}\b",
        ("a3t", "abia", "acca", "akia", "asia", "agpa", "aipa", "anpa", "anva", "apka"),
        0,
    ),
    (
        "azure-key",
        r"(?i)\b(?:AccountKey|SharedAccessKey|SharedSecretValue)=([^;\s\"']{16,})",
        ("accountkey", "sharedaccesskey", "sharedsecret"),
        1,
    ),
    ("azure-sas", r"(?i)[?&]sig=([A-Za-z0-9%+/=]{16,})", ("sig=",), 1),
    (
        "azure-client-secret",
        r"(?<![\w~.-])[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{31,34}"
        r"(?![\w~.-])",
        ("8q~",),
        0,
    ),
    ("slack-token", r"\bxox[abprseo]-[A-Za-z0-9-]{10,}", ("xox",), 0),
    ("slack-token", r"\bxapp-\d-[A-Za-z0-9-]{20,}", ("xapp-",), 0),
    (
        "slack-webhook",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+",
        ("hooks.slack",),
        0,
    ),
    (
        "discord-webhook",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[^\s\"']+",
        ("discord",),
        0,
    ),
    ("stripe-key", r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}", ("k_live_", "k_test_"), 0),
    ("stripe-key", r"\bwhsec_[0-9A-Za-z]{24,}", ("whsec_",), 0),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b", ("npm_",), 0),
    ("pypi-token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}", ("pypi-",), 0),
    ("dockerhub-token", r"\bdckr_pat_[A-Za-z0-9_-]{20,}", ("dckr_",), 0),
    ("sendgrid-key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}", ("sg.",), 0),
    ("twilio-key", r"\b(?:SK|AC)[0-9a-fA-F]{32}\b", ("sk", "ac"), 0),
    ("mailgun-key", r"\bkey-[0-9a-zA-Z]{32}\b", ("key-",), 0),
    ("shopify-token", r"\bshp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}\b", ("shp",), 0),
    ("gitlab-token", r"\bgl(?:pat|dt|ft|rt|ptt|cbt|oas|soat|imt)-[0-9A-Za-z_-]{20,}", ("gl",), 0),
    ("hashicorp-token", r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}", ("hvs.", "hvb.", "hvr."), 0),
    ("terraform-token", r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,}", ("atlasv1",), 0),
    ("digitalocean-token", r"\bdo[por]_v1_[a-f0-9]{64}\b", ("_v1_",), 0),
    ("huggingface-token", r"\bhf_[A-Za-z0-9]{34,}\b", ("hf_",), 0),
    ("linear-key", r"\blin_(?:api|oauth)_[A-Za-z0-9]{40}\b", ("lin_",), 0),
    ("sentry-token", r"\bsntr[ysu]_[A-Za-z0-9_=+/-]{40,}", ("sntr",), 0),
    ("postman-key", r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b", ("pmak-",), 0),
    ("grafana-token", r"\bgl(?:c|sa)_[A-Za-z0-9_+/=-]{32,}", ("glc_", "glsa_"), 0),
    ("atlassian-token", r"\bATATT3[A-Za-z0-9_=-]{60,}", ("atatt3",), 0),
    ("age-key", r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b", ("age-secret",), 0),
    ("databricks-token", r"\bdapi[a-f0-9]{32}(?:-\d)?\b", ("dapi",), 0),
    ("newrelic-key", r"\bNR(?:AK|AA|II)-[A-Z0-9]{27}\b", ("nrak-", "nraa-", "nrii-"), 0),
    ("pulumi-token", r"\bpul-[a-f0-9]{40}\b", ("pul-",), 0),
    ("supabase-token", r"\bsbp_[a-f0-9]{40}\b", ("sbp_",), 0),
    (
        "llm-key",
        r"\b(?:r8|gsk|xai|pplx)[_-][A-Za-z0-9]{32,}\b",
        ("r8_", "gsk_", "xai-", "pplx-"),
        0,
    ),
    ("notion-token", r"\b(?:secret|ntn)_[A-Za-z0-9]{43,46}\b", ("secret_", "ntn_"), 0),
    ("sonar-token", r"\bsq[apu]_[a-f0-9]{40}\b", ("sqa_", "sqp_", "squ_"), 0),
    (
        "ci-token",
        r"\b(?:CCIPAT_|bkua_|nfp_|rnd_|CFPAT-|figd_)[A-Za-z0-9_-]{20,}",
        ("ccipat_", "bkua_", "nfp_", "rnd_", "cfpat-", "figd_"),
        0,
    ),
    ("bitbucket-token", r"\bATBB[A-Za-z0-9_=.-]{28,}", ("atbb",), 0),
    ("dynatrace-token", r"\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b", ("dt0c01",), 0),
    ("alibaba-key", r"\bLTAI[A-Za-z0-9]{12,20}\b", ("ltai",), 0),
    ("rubygems-key", r"\brubygems_[a-f0-9]{48}\b", ("rubygems_",), 0),
    ("nuget-key", r"\boy2[a-z0-9]{43}\b", ("oy2",), 0),
    ("planetscale-token", r"\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,}", ("pscale_",), 0),
    ("sendinblue-key", r"\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b", ("xkeysib-",), 0),
    ("mapbox-token", r"\b[sp]k\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}", ("k.eyj",), 0),
    ("square-token", r"\bsq0(?:atp|csp)-[0-9A-Za-z_-]{22,}", ("sq0",), 0),
    ("google-oauth", r"\b1//0[0-9A-Za-z_-]{30,}", ("1//0",), 0),
    ("cargo-token", r"\bcio[A-Za-z0-9]{32}\b", ("cio",), 0),
    ("heroku-key", r"\bHRKU-[A-Za-z0-9_-]{40,}", ("hrku-",), 0),
    ("firebase-key", r"\bAAAA[A-Za-z0-9_-]{7}:[A-Za-z0-9_-]{100,}", ("aaaa",), 0),
    ("facebook-token", r"\bEAA[A-Z][A-Za-z0-9]{30,}", ("eaa",), 0),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*){1,3}", ("eyj",), 0),
)

_OWN_VALID: dict[str, Callable[[str], bool]] = {
    "openai-key": _mixed,
    "cargo-token": _mixed,
    "facebook-token": _mixed,
    "twilio-key": _not_filler,
    "alibaba-key": _mixed,
    "azure-key": _mixed,
    "azure-client-secret": _mixed,
}

# detect-secrets plugins not used as token rules, and why (see the module docstring).
_SKIP_PLUGINS = frozenset(
    {
        "IPPublicDetector",
        "Base64HighEntropyString",
        "HexHighEntropyString",
        "KeywordDetector",
        "PrivateKeyDetector",
    }
)

# A literal that every match of a detect-secrets pattern contains, for the hint check.
_DS_HINTS: dict[str, tuple[str, ...]] = {
    "ArtifactoryDetector": ("akc", "ap"),
    "AWSKeyDetector": ("a3t", "abia", "acca", "akia", "asia", "aws"),
    "AzureStorageKeyDetector": ("accountkey",),
    "BasicAuthDetector": ("://",),
    "CloudantDetector": ("cl",),
    "DiscordBotTokenDetector": ("m", "n", "o"),
    "GitHubTokenDetector": ("gh",),
    "GitLabTokenDetector": ("gl", "gr1348941"),
    "IbmCloudIamDetector": ("key", "pwd", "pass", "token"),
    "IbmCosHmacDetector": ("secret",),
    "JwtTokenDetector": ("eyj",),
    "MailchimpDetector": ("-us",),
    "NpmDetector": ("_authtoken",),
    "OpenAIDetector": ("t3blbkfj",),
    "PypiTokenDetector": ("pypi-",),
    "SendGridDetector": ("sg.",),
    "SlackDetector": ("xox", "hooks.slack"),
    "SoftlayerDetector": ("softlayer", "sl"),
    "SquareOAuthDetector": ("sq0csp-",),
    "StripeDetector": ("k_live_",),
    "TelegramBotTokenDetector": tuple(f"{d}:" for d in "0123456789"),
    "TwilioKeyDetector": ("ac", "sk"),
}


def _jwt_valid(value: str) -> bool:
    """detect-secrets' JWT check: the header and claims decode to JSON."""
    from detect_secrets.plugins.jwt import JwtTokenDetector

    return bool(JwtTokenDetector.is_formally_valid(value))


_KINDS = {
    "GitHubTokenDetector": "github-token",
    "AWSKeyDetector": "aws-key",
    "JwtTokenDetector": "jwt",
    "NpmDetector": "npm-token",
    "OpenAIDetector": "openai-key",
    "PypiTokenDetector": "pypi-token",
    "SendGridDetector": "sendgrid-key",
    "SlackDetector": "slack-token",
    "StripeDetector": "stripe-key",
    "TwilioKeyDetector": "twilio-key",
    "GitLabTokenDetector": "gitlab-token",
    "BasicAuthDetector": "url-password",
    "AzureStorageKeyDetector": "azure-key",
}


def _kind_of(class_name: str) -> str:
    """Our kind names for the same secrets, so a marker reads the same whoever found it."""
    if class_name in _KINDS:
        return _KINDS[class_name]
    name = class_name.removesuffix("Detector")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def _ds_rules() -> list[TokenRule]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    rules: list[TokenRule] = []
    classes: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    for cls in classes:
        name = cls.__name__
        if name in _SKIP_PLUGINS:
            continue
        hints = _DS_HINTS.get(name, ("",))
        valid = _jwt_valid if name == "JwtTokenDetector" else _not_filler
        for rx in getattr(cls, "denylist", ()) or ():
            pattern = rx if isinstance(rx, re.Pattern) else re.compile(rx)
            # A group that holds the value (keyword-bound patterns) is cut alone; a group
            # that is only a prefix alternation (GitHub's) is not: see _span_of.
            rules.append(TokenRule(_kind_of(name), pattern, hints, -1, valid))
    return rules


@cache
def token_rules() -> tuple[TokenRule, ...]:
    """Our rules first (they name the kind precisely), then detect-secrets'."""
    own = [
        TokenRule(kind, re.compile(rx), hints, group, _OWN_VALID.get(kind))
        for kind, rx, hints, group in _OWN
    ]
    own[-1] = TokenRule("jwt", own[-1].pattern, own[-1].hints, 0, _jwt_valid)
    return (*own, *_ds_rules())


_EDGE = re.compile(r"^[\s\"'=:]+|[\s\"']+$")


def _span_of(rule: TokenRule, match: re.Match[str]) -> tuple[int, int]:
    if rule.group >= 0:
        return match.span(rule.group)
    # detect-secrets patterns: the last group if it is the value, else the whole match
    # without the delimiters some of them consume.
    if match.lastindex:
        start, end = match.span(match.lastindex)
        if start > match.start() and end > start:
            return start, end
    start, end = match.span()
    text = match.group()
    lead = _EDGE.match(text)
    if lead:
        start += lead.end()
    trail = _EDGE.search(text)
    if trail and trail.start() > (lead.end() if lead else 0):
        end -= len(text) - trail.start()
    # a match that runs on past whitespace (npm's ``.*``) stops at a blank, quote or escape
    blank = re.search(r"[\s\\\"']", match.string[start:end])
    if blank:
        end = start + blank.start()
    return start, end


@cache
def _by_hint() -> tuple[tuple[str, tuple[TokenRule, ...]], ...]:
    """Each distinct hint with the rules it admits (a rule may sit under several)."""
    table: dict[str, list[TokenRule]] = {}
    for rule in token_rules():
        for hint in rule.hints:
            table.setdefault(hint, []).append(rule)
    return tuple((hint, tuple(rules)) for hint, rules in table.items())


@cache
def _hints() -> Matcher[tuple[TokenRule, ...]]:
    """Each hint of :func:`_by_hint` as a literal pattern, its rules as its value.

    Checking ~120 hints one ``in`` at a time was most of a line's cost (~8 us); the
    matcher's RE2 set says which are in the line in one pass (on UTF-8 bytes, where a
    literal is in the bytes exactly when it is in the text).
    """
    return Matcher([(re.compile(re.escape(hint)), rules) for hint, rules in _by_hint()])


def _present(lower: str) -> list[tuple[TokenRule, ...]]:
    """The rule groups of the hints in ``lower``, in :func:`_by_hint`'s order."""
    return _hints().find(lower)


def find_tokens(line: str, lower: str) -> list[tuple[int, int, str]]:
    """Spans of vendor tokens in one line (``lower`` is ``line.lower()``)."""
    found: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    for rules in _present(lower):
        for rule in rules:
            if id(rule) in seen:
                continue
            seen.add(id(rule))
            for match in rule.pattern.finditer(line):
                start, end = _span_of(rule, match)
                if end - start < 8:
                    continue
                if rule.valid is not None and not rule.valid(line[start:end]):
                    continue
                found.append((start, end, rule.kind))
    return found
