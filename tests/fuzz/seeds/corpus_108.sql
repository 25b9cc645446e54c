select * from lineitem where l_shipmode in ('MAIL', 'SHIP') and l_partkey not in (1, 2, 3) and l_comment is not null and l_tax is null;
