"""The observation codes the generator writes, in one place (all from the catalogue)."""

SYSTOLIC = "loinc:8480-6"
DIASTOLIC = "loinc:8462-4"
HEART_RATE = "loinc:8867-4"
WEIGHT = "loinc:29463-7"
TEMPERATURE = "loinc:8310-5"
SPO2 = "loinc:59408-5"
GLUCOSE = "loinc:15074-8"
HBA1C_IFCC = "loinc:59261-8"
CRP = "loinc:1988-5"
ESR = "loinc:4537-7"
CALPROTECTIN = "coproduce:faecal-calprotectin"
FEV1 = "loinc:20150-9"
FEV1_PERCENT = "coproduce:fev1-percent-predicted"
HOME_IV_DAYS = "coproduce:home-iv-days"
DIALYSIS_WEIGHT_BEFORE = "coproduce:dialysis-weight-before"
DIALYSIS_WEIGHT_AFTER = "coproduce:dialysis-weight-after"
ULTRAFILTRATION = "coproduce:dialysis-ultrafiltration"
DIALYSIS_DURATION = "coproduce:dialysis-duration"
DAS28_CRP = "coproduce:das28-crp"
DAS28_ESR = "coproduce:das28-esr"
CDAI = "loinc:75847-4"
TENDER_28 = "loinc:88981-6"
SWOLLEN_28 = "loinc:88980-8"
PATIENT_GLOBAL = "loinc:75894-6"
HBI = "coproduce:hbi"
PUCAI = "coproduce:pucai"
PHQ9 = "loinc:44261-6"
GAD7 = "loinc:70274-6"
PRO_CTCAE = "coproduce:pro-ctcae-composite"
PAIN = "coproduce:pain-score"

# Every code, in a fixed order: a row's code is an index into this tuple.
ALL_CODES: tuple[str, ...] = (
    SYSTOLIC,
    DIASTOLIC,
    HEART_RATE,
    WEIGHT,
    TEMPERATURE,
    SPO2,
    GLUCOSE,
    HBA1C_IFCC,
    CRP,
    ESR,
    CALPROTECTIN,
    FEV1,
    FEV1_PERCENT,
    HOME_IV_DAYS,
    DIALYSIS_WEIGHT_BEFORE,
    DIALYSIS_WEIGHT_AFTER,
    ULTRAFILTRATION,
    DIALYSIS_DURATION,
    DAS28_CRP,
    DAS28_ESR,
    CDAI,
    TENDER_28,
    SWOLLEN_28,
    PATIENT_GLOBAL,
    HBI,
    PUCAI,
    PHQ9,
    GAD7,
    PRO_CTCAE,
    PAIN,
)
CODE_INDEX = {code: i for i, code in enumerate(ALL_CODES)}

# Coded observations (written as a separate coded batch): a coded row's code is an index
# into CODED_CODES and its value an index into CODED_VALUES.
GLUCOSE_LOWERING_MEDICATION = "coproduce:glucose-lowering-medication"
CERVICAL_SCREENING = "coproduce:cervical-screening"
CODED_CODES: tuple[str, ...] = (GLUCOSE_LOWERING_MEDICATION, CERVICAL_SCREENING)
# ATC classes (catalogue order), then screening results.
ATC_CLASSES = ("A10A", "A10BA", "A10BB", "A10BH", "A10BJ", "A10BK")
SCREENING_RESULTS = ("negative", "abnormal", "inadequate")
CODED_VALUES: tuple[str, ...] = ATC_CLASSES + SCREENING_RESULTS

# Who reported a value: an index into this tuple (ObservationSource values).
SOURCES: tuple[str, ...] = ("patient", "clinician", "lab", "device", "carer")
PATIENT, CLINICIAN, LAB, DEVICE, CARER = range(5)
