select * from region limit 'x';
