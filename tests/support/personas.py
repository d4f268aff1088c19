"""Profile answers of the people flow tests meet again and again, each with a role in matching."""

from __future__ import annotations

ANNA = {  # the partner Ji-woo should meet first: offers exactly what Ji-woo seeks
    "full_name": "Anna de Vries",
    "organisation": "Delft University of Technology",
    "country": "Netherlands",
    "expertise": "cryo-CMOS, superconducting qubits, quantum computer control",
    "offers": (
        "Cryo-CMOS control electronics for superconducting qubits, designed and tested at 4 K."
    ),
    "seeks": "A quantum key distribution field testbed for our network experiments.",
}
JIWOO = {
    "full_name": "Ji-woo Kim",
    "organisation": "Korea Institute of Science and Technology",
    "country": "South Korea",
    "expertise": "superconducting qubits, QKD",
    "offers": "A metropolitan QKD testbed in Seoul with deployed fibre links.",
    "seeks": "Cryogenic control electronics to scale up our superconducting qubit processor.",
}
COLLEAGUE = {  # same organisation as Ji-woo: never suggested to Ji-woo
    "full_name": "Min-jun Park",
    "organisation": "Korea Institute of Science and Technology",
    "country": "South Korea",
    "expertise": "superconducting qubits, cryo-CMOS",
    "offers": "Cryo-CMOS control electronics for superconducting qubits.",
    "seeks": "A QKD testbed.",
}
MIRROR = {  # talks about the same things as Ji-woo but offers nothing Ji-woo seeks
    "full_name": "Lukas Weber",
    "organisation": "Forschungszentrum Jülich",
    "country": "Germany",
    "expertise": "superconducting qubits, QKD",
    "offers": "Theory of superconducting qubit decoherence and QKD security proofs.",
    "seeks": "Experimental groups with superconducting qubit processors and QKD links.",
}
SENSING = {
    "full_name": "Sofia Rossi",
    "organisation": "INRiM",
    "country": "Italy",
    "expertise": "optical clocks, atom interferometry",
    "offers": "Optical lattice clock comparisons over fibre.",
    "seeks": "Partners in time transfer and quantum networks.",
}
NV_SENSING = {  # a German colleague of nobody, whose field is the cluster topic's
    "full_name": "Hannah Becker",
    "organisation": "Universität Stuttgart",
    "country": "Germany",
    "expertise": "NV centres in diamond, quantum magnetometry",
    "offers": "NV-diamond magnetometers for industrial non-destructive testing.",
    "seeks": "Cryogenic electronics and field partners for quantum sensing pilots.",
}
