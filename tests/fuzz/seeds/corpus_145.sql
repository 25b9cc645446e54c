show tables;
