SELECT 1
FROM nowhere_table;;
