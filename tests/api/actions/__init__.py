"""The actions through the REST API: one module per stage of an item's life (test_intake,
test_assignment, test_reply, test_feedback, test_supervision), beside a whole life
(test_life), the refusals of every stage (test_refusals) and input that must never end in a
server error (test_garbage); helpers.py calls the actions."""
