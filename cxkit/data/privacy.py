"""Personal data: find it, keep it out of reports, pseudonymise identifiers in exports.

Which columns count as personal
-------------------------------
* ``customer_id`` (and any column named in ``identifiers``): identifies a customer.
* Columns a dataset spec declares under ``pii: [...]`` (names, e-mail addresses,
  phone numbers...) or ``free_text: [...]`` (open answers, which often contain
  names and contact details) in a table entry; see ``data/README.md``.
* Undeclared columns that look personal anyway: values that look like e-mail
  addresses or phone numbers, long varied text (free text), or a column name such
  as ``email``, ``phone``, ``mobile``, ``telefoonnummer``, ``gsm``, ``bsn``, ``ssn`` or ``last_name``. Declaring is better; detection is the safety net.

Reports (notebooks) drop personal columns from anything they show and refuse
to group by them, unless the report's ``allow_personal_data`` parameter is
true. Exported tables (:func:`cxkit.save_tables`) replace identifiers by
pseudonyms and drop the other personal columns.

Pseudonyms and the salt
-----------------------
A pseudonym is HMAC-SHA256 of the identifier keyed with a secret *salt*,
shortened to 16 hex digits. The same salt gives the same pseudonym, so tables
from different runs can be joined; without the salt nobody can recompute them,
even for guessable identifiers such as ``C00042``. The salt comes from the
``salt`` argument or the ``CXKIT_SALT`` environment variable; there is no
built-in default, since a salt written in code is no secret. Keep it out of
notebook parameters (the executed notebook and its HTML list them); generate
one with ``python -c "import secrets; print(secrets.token_hex(16))"``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import ParameterError

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["SALT_ENV", "personal_columns", "check_not_personal", "safe_group_by", "redact",
           "pseudonymise", "pseudonymise_table", "scrub_text"]

SALT_ENV = "CXKIT_SALT"
MIN_SALT_LENGTH = 16
MIN_SALT_DISTINCT = 4  # random hex of 16 characters has fewer only about once in a million
IDENTIFIERS = ("customer_id",)

_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}")
# Whole column names (lower case, separators as "_") and name parts that say "personal".
_PERSONAL_NAMES = {"name", "first_name", "last_name", "full_name", "surname", "given_name", "customer_name",
                   "contact_name", "naam", "voornaam", "achternaam", "address", "street", "adres",
                   "birth_date", "date_of_birth", "geboortedatum"}
_PERSONAL_PARTS = {"email", "e_mail", "mail", "phone", "telephone", "telefoon", "telefoonnummer", "tel", "mobile",
                   "mobiel", "mobielnummer", "gsm", "cell", "cellphone", "msisdn", "phonenumber", "iban", "ssn",
                   "bsn", "sofinummer", "burgerservicenummer", "passport", "paspoort"}
_PERSONAL_NAMES |= {"national_id", "national_id_number", "social_security_number", "mobile_number",
                    "phone_number", "cell_phone", "mobiel_nummer"}
# Phone numbers as exported: "+31 6 1234 5678", "06-12345678", "0031612345678", "(555) 123-4567".
# A leading +, 0 or ( is required, so dates, amounts and plain counts do not look like phones.
_PHONE = re.compile(r"^(?:\+|0|\()[\d\s().\-/]{7,22}$")
_SCAN = 2000  # distinct values inspected per column: enough to find e-mails, cheap on big tables


def _name_reason(col: str) -> str | None:
    norm = re.sub(r"[^a-z0-9]+", "_", str(col).lower()).strip("_")
    if norm in _PERSONAL_NAMES or norm.replace("e_mail", "email") in _PERSONAL_PARTS:
        return "column name suggests personal data"
    if set(norm.replace("e_mail", "email").split("_")) & _PERSONAL_PARTS:
        return "column name suggests personal data"
    return None


def _value_reason(values: pd.Series) -> str | None:
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return None
    distinct = pd.Series(values.dropna().unique()[:_SCAN]).astype(str)
    if distinct.empty:
        return None
    if distinct.str.contains(_EMAIL).any():
        return "values look like e-mail addresses"
    digits = distinct.str.count(r"\d")
    phones = distinct.str.strip().str.match(_PHONE) & digits.between(9, 15)
    if phones.mean() >= 0.8:
        return "values look like phone numbers"
    # Free text: long, mostly distinct strings (category labels are short and repeat).
    n = values.notna().sum()
    if distinct.str.len().median() >= 30 and len(distinct) >= 0.5 * min(n, _SCAN) and len(distinct) >= 3:
        return "values look like free text"
    return None


def personal_columns(data: pd.DataFrame, ds: Dataset | None = None, *,
                     identifiers: Sequence[str] = IDENTIFIERS) -> dict[str, str]:
    """Columns of ``data`` holding personal data, with the reason for each.

    Parameters
    ----------
    data : DataFrame
    ds : Dataset, optional
        Its spec's ``pii`` and ``free_text`` declarations are used.
    identifiers : list of str
        Columns identifying a customer (default ``customer_id``).

    Returns
    -------
    dict of column name to reason ("customer identifier", "declared personal data",
    "declared free text", "values look like e-mail addresses", ...).
    """
    declared_pii = set(getattr(ds, "pii", ()) or ())
    declared_text = set(getattr(ds, "free_text", ()) or ())
    out: dict[str, str] = {}
    for col in data.columns:
        # Declarations come before any naming rule: a declared `_email` is personal too.
        if col in identifiers:
            out[col] = "customer identifier"
        elif col in declared_pii:
            out[col] = "declared personal data (pii)"
        elif col in declared_text:
            out[col] = "declared free text"
        elif str(col).startswith("_"):
            continue  # cxkit's own bookkeeping columns (_row...), never detected
        else:
            reason = _name_reason(col) or _value_reason(data[col])
            if reason:
                out[col] = reason
    return out


def check_not_personal(data: pd.DataFrame, columns: Iterable[str], ds: Dataset | None = None, *,
                       allow: bool = False, argument: str = "by") -> None:
    """Refuse to group or show by a personal column unless ``allow``.

    Raises
    ------
    ParameterError
        Naming the column, why it counts as personal and how to allow it.
    """
    if allow:
        return
    cols = [c for c in columns if c in data.columns]
    found = personal_columns(data[cols], ds) if cols else {}
    if found:
        what = "; ".join(f"{c!r} ({r})" for c, r in found.items())
        raise ParameterError(f"`{argument}` names personal data: {what}. Reports never show personal data "
                             "unless `allow_personal_data=True`; group by a non-personal column instead.")


def safe_group_by(data: pd.DataFrame, group_by: Iterable[str], ds: Dataset | None = None, *,
                  allow: bool = False) -> tuple[list[str], dict[str, str]]:
    """Split ``group_by`` into columns a report may show and personal ones it must withhold.

    Returns
    -------
    (kept, withheld) : list of str, dict of column to reason
    """
    group_by = [group_by] if isinstance(group_by, str) else list(group_by)
    if allow:
        return group_by, {}
    present = [c for c in group_by if c in data.columns]
    withheld = personal_columns(data[present], ds) if present else {}
    return [c for c in group_by if c not in withheld], withheld


def redact(data: pd.DataFrame, ds: Dataset | None = None, *, allow: bool = False) -> pd.DataFrame:
    """``data`` without its personal columns (identifiers included), for display."""
    if allow:
        return data
    return data.drop(columns=list(personal_columns(data, ds)))


def _salt(salt: str | None) -> bytes:
    salt = salt if salt is not None else os.environ.get(SALT_ENV)
    if not salt:
        raise ParameterError(f"pseudonymising identifiers needs a secret salt: pass `salt` or set the {SALT_ENV} "
                             "environment variable (e.g. to the output of "
                             "`python -c \"import secrets; print(secrets.token_hex(16))\"`).")
    if not isinstance(salt, str) or len(salt) < MIN_SALT_LENGTH:
        raise ParameterError(f"the salt must be a string of at least {MIN_SALT_LENGTH} characters; a short "
                             f"salt lets anyone recompute pseudonyms of guessable identifiers (got "
                             f"{len(salt) if isinstance(salt, str) else type(salt).__name__}).")
    # Sixteen spaces or zeros pass a length check but are no secret: anyone can guess them.
    if len(set(salt.strip())) < MIN_SALT_DISTINCT:
        raise ParameterError(f"the salt must be random: it has {len(set(salt.strip()))} distinct non-blank "
                             f"character(s), fewer than {MIN_SALT_DISTINCT} (a salt of spaces, zeros or one "
                             "repeated character is guessable). Generate one with "
                             "`python -c \"import secrets; print(secrets.token_hex(16))\"`.")
    return salt.encode("utf-8")


def pseudonymise(values: pd.Series | Sequence, salt: str | None = None) -> pd.Series:
    """Replace identifiers by salted-hash pseudonyms (16 hex digits); missing values stay missing.

    ``HMAC-SHA256(salt, str(value))``: stable for one salt, not reversible or
    recomputable without it. Numbers read as ``12.0`` and ``12`` give the same
    pseudonym, like the loader's id normalisation.
    """
    key = _salt(salt)
    s = values if isinstance(values, pd.Series) else pd.Series(list(values))

    def one(v: object) -> object:
        if pd.isna(v):
            return v
        text = re.sub(r"\.0$", "", str(v).strip())
        return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    return s.map(one).astype(object)


def pseudonymise_table(data: pd.DataFrame, ds: Dataset | None = None, *, salt: str | None = None,
                       allow: bool = False, identifiers: Sequence[str] = IDENTIFIERS) -> pd.DataFrame:
    """A table safe to export: identifiers pseudonymised, other personal columns dropped.

    With ``allow`` the table is returned unchanged. A salt is needed only when
    the table holds an identifier column.
    """
    if allow:
        return data
    found: Mapping[str, str] = personal_columns(data, ds, identifiers=identifiers)
    ids = [c for c in found if c in identifiers]
    out = data.drop(columns=[c for c in found if c not in identifiers])
    if ids:
        out = out.copy()
        for c in ids:
            out[c] = pseudonymise(out[c], salt)
    return out


# -- quotes from free text (issue 17) ------------------------------------------------------------

# What a quote shown in a report must not carry. Names are found only where a pattern says a name
# follows ("my name is", "Mr", "spoke to", "ik ben", "mevrouw"...): free text has no column to
# declare, and guessing every capitalised word would blank product and place names. Say so.
_SCRUB_EMAIL = re.compile(r"[^@\s,;<>()]+@[^@\s,;<>()]+\.[A-Za-z]{2,}")
_SCRUB_PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d[\d\s().\-/]{6,}\d(?![\w])")
_SCRUB_ID = re.compile(r"\b(?=[A-Za-z0-9\-]*\d)(?=[A-Za-z0-9\-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b"
                       r"|\b\d{5,}\b")
_NAME = r"[A-Z][a-zà-ÿ'\-]+(?:\s+(?:van|de|der|den|ten|ter|van de|van der)?\s*[A-Z][a-zà-ÿ'\-]+)?"
_SCRUB_NAME = re.compile(
    r"(?:\b(?:[Mm]y name is|[Mm]y name's|I am|I'm|[Cc]alled|[Ss]poke (?:to|with)|[Tt]alked to|[Hh]elped by|"
    r"[Aa]sk for|[Mm]ijn naam is|[Ii]k ben|[Ii]k heet|[Gg]eholpen door|[Ss]prak met|[Gg]esproken met|"
    r"[Mm]r\.?|[Mm]rs\.?|[Mm]s\.?|[Dd]hr\.?|[Mm]evr\.?|[Mm]evrouw|[Mm]eneer|[Hh]ost|[Gg]astheer|[Gg]astvrouw)"
    r"\s+)(" + _NAME + r")")
SCRUBBED = "[…]"


def scrub_text(texts: pd.Series | Sequence[str]) -> pd.Series:
    """Quotes safe to show: e-mail addresses, phone numbers, ids and introduced names replaced by ``[…]``.

    Ids are words mixing letters and digits (``C00042``, ``AB-1234``) or runs of five or more
    digits; phone numbers are seven or more digits with the usual separators; names are
    caught only after words that introduce one ("my name is", "spoke to", "Mr", "mevrouw",
    "geholpen door", "host"...). A name written without such a cue stays: quotes are shown
    only where the spec allows it (``quotes: true``), and that is a person's decision.
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts))

    def one(t: object) -> object:
        if not isinstance(t, str):
            return t
        t = _SCRUB_EMAIL.sub(SCRUBBED, t)
        t = _SCRUB_PHONE.sub(lambda m: SCRUBBED if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), t)
        t = _SCRUB_ID.sub(SCRUBBED, t)
        return _SCRUB_NAME.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + SCRUBBED, t)

    return s.map(one)
