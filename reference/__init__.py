"""Reference data kept as editable rows: departments (承办单位), request types (诉求类型), categories."""
