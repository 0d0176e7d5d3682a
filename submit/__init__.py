"""微受理: tickets (工单), their numbering, deadlines, history and the one service that creates them."""
