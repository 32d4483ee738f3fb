"""The services called directly: one module per stage of an item's life (test_intake,
test_assignment, test_reply, test_feedback, test_supervision), beside the matrix of who may
call which service from which state (test_matrix); helpers.py builds the starting states."""
