select case o_orderstatus when 'F' then 1 when 'O' then 2 end from orders;
