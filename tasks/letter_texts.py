"""The wording of NRM decision letters and notices, in plain English.

Each text is a template with these fields, filled in by `tasks.letters`:

- `{case_key}`, `{date}` (the decision date, London time);
- `{ca_name}`: the competent authority's name, or `competent authority` before allocation;
- `{ca_title}`: `UK Border Agency, the competent authority`, or `competent authority`;
- `{reasons}` (the minute of a negative decision; only used in negative texts).
Salutations, headers and sign-offs are added by `tasks.letters`.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.access.rules import FIRST_RESPONDER, SUPPORT_PROVIDER

PERSON = "person"


@dataclass(frozen=True)
class LetterText:
    """One letter or notice: who it is for, its title (never personal data) and its body template."""

    recipient: str
    title: str
    body: str


RECONSIDERATION = (
    "If there is information that was not available when this decision was made, the first responder "
    "or the support provider can ask the competent authority to reconsider it, quoting reference "
    "{case_key}."
)

REASONS = "Reasons for the decision (the decision maker's minute):\n\n{reasons}"

RG_TEST = (
    'At this stage the test is whether the decision maker "suspects but cannot prove" that the person '
    "is a victim of human trafficking."
)

CG_TEST = (
    "At this stage the test is whether, on the balance of probabilities (that is, it is more likely "
    "than not), the person is a victim of human trafficking."
)

RG_POSITIVE = (
    LetterText(
        PERSON,
        "Reasonable grounds decision: positive",
        "You were referred to the National Referral Mechanism (NRM) as a possible victim of human "
        "trafficking. Your case has been looked at by the {ca_title}.\n\n"
        + RG_TEST.replace("the person is", "you are")
        + "\n\nOn {date} we decided that there are reasonable grounds to believe that you are a "
        "victim of human trafficking.\n\n"
        "What happens next\n\n"
        "- You now have a reflection and recovery period of at least 45 calendar days. During this "
        "time you can have support and safe accommodation if you need them, and you will not be "
        "removed from the UK.\n"
        "- Use this time to begin to recover and to think about what you want to do. You may, for "
        "example, decide to help the police with an investigation, or to return home.\n"
        "- At about day 30 we will review how you are. If you need more time because of your health, "
        "trauma or intimidation, the period can be extended.\n"
        "- We will then make a conclusive grounds decision: whether, on the balance of probabilities, "
        "you are a victim of human trafficking. We will not make it before your reflection and "
        "recovery period ends.\n\n"
        "The organisation that referred you and your support provider have been told about this "
        "decision. If you have any questions, please speak to them and quote reference {case_key}.",
    ),
    LetterText(
        FIRST_RESPONDER,
        "Reasonable grounds decision: positive - notice to the first responder",
        "The {ca_name} has made a positive reasonable grounds decision on the referral you made "
        "(reference {case_key}) on {date}.\n\n" + RG_TEST + "\n\n"
        "The person's reflection and recovery period of at least 45 calendar days starts today. "
        "The person will not be removed from the UK during it and can have support and safe "
        "accommodation. If the person wants to help a police investigation, or to return home, "
        "please tell the competent authority.",
    ),
    LetterText(
        SUPPORT_PROVIDER,
        "Reasonable grounds decision: positive - notice to the support provider",
        "The {ca_name} has made a positive reasonable grounds decision on case {case_key} on "
        "{date}.\n\n"
        "Please make sure that the person has access to support and safe accommodation, as needed, "
        "throughout the reflection and recovery period of at least 45 calendar days, which starts "
        "today. The competent authority will review progress at about day 30. Please tell the "
        "competent authority before then about any health, trauma or intimidation concerns that "
        "may mean the period should be extended.",
    ),
)

RG_NEGATIVE = (
    LetterText(
        PERSON,
        "Reasonable grounds decision: negative",
        "You were referred to the National Referral Mechanism (NRM) as a possible victim of human "
        "trafficking. Your case has been looked at by the {ca_title}.\n\n"
        + RG_TEST.replace("the person is", "you are")
        + "\n\nOn {date} we decided that there are not reasonable grounds to believe that you are a "
        "victim of human trafficking.\n\n" + REASONS + "\n\n"
        "What you can do\n\n" + RECONSIDERATION + "\n\n"
        "This decision is only about whether you are a victim of human trafficking. It is not a "
        "decision on any immigration application or asylum claim, which is considered separately.",
    ),
    LetterText(
        FIRST_RESPONDER,
        "Reasonable grounds decision: negative - notice to the first responder",
        "The {ca_name} has made a negative reasonable grounds decision on the referral you made "
        "(reference {case_key}) on {date}.\n\n" + RG_TEST + "\n\n" + REASONS + "\n\n" + RECONSIDERATION,
    ),
    LetterText(
        SUPPORT_PROVIDER,
        "Reasonable grounds decision: negative - notice to the support provider",
        "The {ca_name} has made a negative reasonable grounds decision on case {case_key} on "
        "{date}.\n\n" + REASONS + "\n\n"
        "Support arranged through the NRM will end. Please agree a safe exit from support with the "
        "person and help them to find any other services they need.\n\n" + RECONSIDERATION,
    ),
)

CG_POSITIVE = (
    LetterText(
        PERSON,
        "Conclusive grounds decision: positive",
        CG_TEST.replace("the person is", "you are")
        + "\n\nOn {date} the {ca_name} decided that you are a victim of human trafficking.\n\n"
        "What happens next\n\n"
        "- If you are subject to immigration control, you may be considered for discretionary leave "
        "to remain in the UK, if your personal circumstances call for it or you are helping the police "
        "with an investigation or proceedings.\n"
        "- If you want to go home, the Assisted Voluntary Return for Irregular Migrants programme, run "
        "with the Choices service of Refugee Action, can help you.\n"
        "- If you are a national of a European Economic Area country, we can put you in touch with "
        "your embassy and with organisations that can help.\n\n"
        "Your support provider will talk to you about moving on from NRM support. Please quote "
        "reference {case_key} if you contact us.",
    ),
    LetterText(
        FIRST_RESPONDER,
        "Conclusive grounds decision: positive - notice to the first responder",
        "The {ca_name} has made a positive conclusive grounds decision on the referral you made "
        "(reference {case_key}) on {date}: the person is a victim of human trafficking.\n\n" + CG_TEST,
    ),
    LetterText(
        SUPPORT_PROVIDER,
        "Conclusive grounds decision: positive - notice to the support provider",
        "The {ca_name} has made a positive conclusive grounds decision on case {case_key} on "
        "{date}: the person is a victim of human trafficking.\n\n"
        "Please plan the person's move on from NRM support with them, including any discretionary "
        "leave, voluntary return or embassy contact that follows.",
    ),
)

CG_NEGATIVE = (
    LetterText(
        PERSON,
        "Conclusive grounds decision: negative",
        CG_TEST.replace("the person is", "you are")
        + "\n\nOn {date} the {ca_name} decided that, on the balance of probabilities, you are not a "
        "victim of human trafficking.\n\n" + REASONS + "\n\n"
        "What you can do\n\n" + RECONSIDERATION + "\n\n"
        "This decision is only about whether you are a victim of human trafficking. It is not a "
        "decision on any immigration application or asylum claim, which is considered separately.",
    ),
    LetterText(
        FIRST_RESPONDER,
        "Conclusive grounds decision: negative - notice to the first responder",
        "The {ca_name} has made a negative conclusive grounds decision on the referral you made "
        "(reference {case_key}) on {date}.\n\n" + CG_TEST + "\n\n" + REASONS + "\n\n" + RECONSIDERATION,
    ),
    LetterText(
        SUPPORT_PROVIDER,
        "Conclusive grounds decision: negative - notice to the support provider",
        "The {ca_name} has made a negative conclusive grounds decision on case {case_key} on "
        "{date}.\n\n" + REASONS + "\n\n"
        "Support arranged through the NRM will end. Please agree a safe exit from support with the "
        "person and help them to find any other services they need.\n\n" + RECONSIDERATION,
    ),
)

DL_GRANTED = (
    LetterText(
        PERSON,
        "Discretionary leave decision: granted",
        "After the decision that you are a victim of human trafficking, we considered whether you "
        "should have discretionary leave to remain in the UK.\n\n"
        "On {date} we decided to grant you discretionary leave to remain. Your immigration caseworker "
        "will send you the documents that confirm how long your leave lasts and its conditions. "
        "Please quote reference {case_key} if you contact us.",
    ),
    LetterText(
        FIRST_RESPONDER,
        "Discretionary leave decision: granted - notice to the first responder",
        "On {date} discretionary leave to remain was granted to the person you referred "
        "(reference {case_key}).",
    ),
)

DL_REFUSED = (
    LetterText(
        PERSON,
        "Discretionary leave decision: refused",
        "After the decision that you are a victim of human trafficking, we considered whether you "
        "should have discretionary leave to remain in the UK.\n\n"
        "On {date} we decided to refuse you discretionary leave to remain.\n\n" + REASONS + "\n\n"
        "What you can do\n\n"
        "This does not change the decision that you are a victim of human trafficking. If you want "
        "to go home, the Assisted Voluntary Return for Irregular Migrants programme, run with the "
        "Choices service of Refugee Action, can help you. If you disagree with this decision you "
        "should get independent legal advice as soon as possible. If there is information that was "
        "not available when this decision was made, you or your legal representative can ask us to "
        "reconsider it, quoting reference {case_key}.",
    ),
    LetterText(
        FIRST_RESPONDER,
        "Discretionary leave decision: refused - notice to the first responder",
        "On {date} discretionary leave to remain was refused to the person you referred "
        "(reference {case_key}).\n\n" + REASONS + "\n\n"
        "The person, or their legal representative, can ask for the decision to be reconsidered if "
        "there is information that was not available when it was made.",
    ),
)

AVR_ARRANGED = (
    LetterText(
        PERSON,
        "Assisted voluntary return: arranged",
        "You told us that you want to return to your home country. On {date} your return was "
        "arranged through the Assisted Voluntary Return for Irregular Migrants programme, run with "
        "the Choices service of Refugee Action.\n\n"
        "Choices will:\n\n"
        "- help you at the port of departure;\n"
        "- pay for your flight to your country of origin and your onward travel there;\n"
        "- help you with immigration when you arrive;\n"
        "- put you in touch with partner organisations in your country;\n"
        "- tell you about any help available to settle back in (reintegration assistance).\n\n"
        "Choices will contact you with your travel details. You can change your mind before you "
        "travel: please tell Choices or your support provider, quoting reference {case_key}.",
    ),
    LetterText(
        FIRST_RESPONDER,
        "Assisted voluntary return: arranged - notice to the first responder",
        "On {date} an assisted voluntary return was arranged with the Choices service of Refugee "
        "Action for the person you referred (reference {case_key}).",
    ),
)
