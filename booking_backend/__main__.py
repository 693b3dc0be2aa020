from booking_backend.cli import main

main()
