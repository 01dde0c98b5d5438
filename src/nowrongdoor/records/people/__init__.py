"""People: identity (NHS number optional, validated), contact details, equality fields."""
