"""Programme insights: officers' dashboards and charts, the portfolio across programmes, exports."""
