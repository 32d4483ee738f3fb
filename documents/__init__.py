"""Printed documents (DESIGN §11): 交办通知单, 催办通知 and the reply cover page, in Word and PDF,
one item at a time or in a batch."""
