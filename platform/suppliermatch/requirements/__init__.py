"""Requirements (RFQs): post, invite, collect sealed quotes, award and rate."""
