"""Part qualification vocabularies: PPAP elements and submission levels, AS9102 first article
forms, and the 8D disciplines. Kept here, in one place, as the standards name them.

Sources
- AIAG, Production Part Approval Process (PPAP), 4th edition (2006): section 2.2 (the 18
  requirements) and Table 4.2 (what each submission level 1-5 sends to the customer).
- SAE AS9102B (2014), Aerospace First Article Inspection Requirement: Form 1 (part number
  accountability), Form 2 (product accountability: raw material, specifications, special
  processes, functional testing), Form 3 (characteristic accountability, verification and
  compatibility evaluation).
- Ford Global 8D (Eight Disciplines Problem Solving), D1-D8, as IATF 16949 10.2.3 customers
  ask for corrective action.
"""

PPAP = "ppap"
FAI = "fai"
KINDS = (PPAP, FAI)

PPAP_ELEMENTS: dict[str, str] = {
    "design_records": "Design records",
    "engineering_changes": "Authorised engineering change documents",
    "customer_engineering_approval": "Customer engineering approval",
    "dfmea": "Design FMEA",
    "process_flow": "Process flow diagram",
    "pfmea": "Process FMEA",
    "control_plan": "Control plan",
    "msa": "Measurement system analysis studies",
    "dimensional_results": "Dimensional results",
    "material_performance_results": "Records of material / performance test results",
    "initial_process_studies": "Initial process studies",
    "qualified_lab": "Qualified laboratory documentation",
    "appearance_approval": "Appearance approval report",
    "sample_parts": "Sample production parts",
    "master_sample": "Master sample",
    "checking_aids": "Checking aids",
    "customer_specific": "Customer-specific requirements",
    "psw": "Part submission warrant",
}

# Table 4.2: what the supplier submits at each level (level 4: the customer chooses, so the
# anchor's template lists it; level 5: everything, reviewed at the supplier's plant).
PPAP_LEVEL_ELEMENTS: dict[int, tuple[str, ...]] = {
    1: ("psw",),
    2: ("psw", "design_records", "dimensional_results", "material_performance_results",
        "sample_parts"),
    3: tuple(PPAP_ELEMENTS),
    4: ("psw",),
    5: tuple(PPAP_ELEMENTS),
}  # fmt: skip
PPAP_DEFAULT_LEVEL = 3

FAI_FORMS: dict[str, str] = {
    "as9102_form_1": "AS9102 Form 1: part number accountability",
    "as9102_form_2": "AS9102 Form 2: product accountability",
    "as9102_form_3": "AS9102 Form 3: characteristic accountability and verification",
}

EIGHT_D: dict[str, str] = {
    "d1": "D1 Team",
    "d2": "D2 Problem description",
    "d3": "D3 Interim containment actions",
    "d4": "D4 Root cause and escape point",
    "d5": "D5 Permanent corrective actions chosen",
    "d6": "D6 Corrective actions implemented and validated",
    "d7": "D7 Recurrence prevented",
    "d8": "D8 Team recognised, closure",
}


def element_names(kind: str) -> dict[str, str]:
    return PPAP_ELEMENTS if kind == PPAP else FAI_FORMS


def default_elements(kind: str, level: int | None) -> tuple[str, ...]:
    if kind == FAI:
        return tuple(FAI_FORMS)
    return PPAP_LEVEL_ELEMENTS[level or PPAP_DEFAULT_LEVEL]
