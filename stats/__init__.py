"""Figures, trends and exports over tickets and questions (the hotline's 响应率, 解决率, 满意率,
按时办结率; 未诉先办)."""
