"""pantau: monitoring civil servants' (ASN) election neutrality on social media.

Stages: registry -> sweep plan -> collect -> classify -> detect -> review -> referral,
with the audit log and the evidence store underneath. See docs/architecture.md.
"""

__version__ = "0.1.0"
