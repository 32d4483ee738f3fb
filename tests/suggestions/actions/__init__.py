"""The actions through their HTML forms: one module per stage of an item's life (test_intake,
test_assignment, test_reply, test_feedback, test_supervision), beside the round trip of every
form (test_round_trip); helpers.py posts and reads the forms, conftest.py builds the items."""
