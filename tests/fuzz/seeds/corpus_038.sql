SELECT count(*) FROM lineitem GROUP BY;;
