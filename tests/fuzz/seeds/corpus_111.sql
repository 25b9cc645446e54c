select * from part where p_size = $1 and p_type like $2;
