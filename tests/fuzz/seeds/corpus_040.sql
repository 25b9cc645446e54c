SELECT 'abc;;
