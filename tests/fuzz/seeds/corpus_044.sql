select * from lineitem l join orders o;
