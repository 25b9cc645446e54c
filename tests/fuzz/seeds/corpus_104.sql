select substring(c_phone from 1 for 2), substring(c_phone from 3), substring(c_phone, 1, 2) from customer;
